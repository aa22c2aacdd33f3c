// The loaded cases with what the engine derives from them: their grouping under the loaded ruleset, and the
// §11 findings and pricing state built on first use. A grouping is swapped in only once it exists whole.
import { fail } from '../shared/errors.ts';
import { freeGrouping, type Grouping } from './case-grouping.ts';
import { costColumn, releaseCaseStore, type CaseStore } from './case-store.ts';
import { PricingSession } from './engine-pricing.ts';
import { CaseQuality } from './quality-report.ts';
import type { WasmCore } from './wasm-core.ts';

export class CaseSession {
  private qualityState: CaseQuality | null = null;
  private pricingState: PricingSession | null = null;

  /** `grouping` is null while no ruleset is loaded. */
  constructor(readonly core: WasmCore, readonly store: CaseStore, private grouping: Grouping | null) {}

  /** The grouping, or the error a page shows when there is none. */
  grouped(): Grouping {
    if (!this.grouping) fail('engine.no_ruleset', 'No ruleset is loaded');
    return this.grouping;
  }

  /** Takes a complete grouping under a new ruleset; the old one and all that was derived from it go. */
  regrouped(grouping: Grouping): void {
    this.releaseDerived();
    if (this.grouping) freeGrouping(this.core, this.grouping);
    this.grouping = grouping;
  }

  /** §11 findings (codes checked against the ruleset when one is loaded). */
  quality(): CaseQuality {
    this.qualityState ??= new CaseQuality(this.core, this.store, this.grouping);
    return this.qualityState;
  }

  pricing(): PricingSession {
    if (!this.pricingState) {
      const g = this.grouped();
      const s = this.store;
      this.pricingState = new PricingSession(this.core, s.analysis, g.resident, g.compiled, () => ({
        drg: g.out.drg, dipGroup: g.dipOut.group, costYuan: costColumn(this.core, s),
      }));
    }
    return this.pricingState;
  }

  /** Frees everything; the session is unusable afterwards. */
  free(): void {
    this.releaseDerived();
    if (this.grouping) freeGrouping(this.core, this.grouping);
    this.grouping = null;
    releaseCaseStore(this.core, this.store);
  }

  private releaseDerived(): void {
    this.pricingState?.free();
    this.pricingState = null;
    this.qualityState = null;
  }
}
