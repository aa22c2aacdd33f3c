// The scenario document (domain §10, issue #5): base from the ruleset, JSON and link round trips, and every
// problem a file or link can give — each at its field, with a stable code (the last test checks all are used).
import { afterAll, describe, expect, it } from 'vitest';
import { buildDemoRuleset, DEMO_PARAMETERS, DEMO_RULESET_VERSION } from '../../src/rules/demo/build-demo-ruleset.ts';
import { compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { SEED_COMPOSITE } from '../../src/scenario/composite-presets.ts';
import { pricingParametersFromRuleset } from '../../src/scenario/pricing-parameters.ts';
import {
  SCENARIO_FORMAT, SCENARIO_PROBLEM_CODES, baseScenario, cloneScenario, jsonErrorOffset, parseScenario,
  scenarioChanges, scenarioContext, scenarioToJson, validateScenario,
  type Scenario, type ScenarioContext, type ScenarioProblem, type ScenarioReadResult,
} from '../../src/scenario/scenario.ts';
import {
  decodeScenarioPayload, encodeScenarioPayload, scenarioFromLink, scenarioPayloadOf, scenarioToLink,
} from '../../src/scenario/scenario-url.ts';

const rs = buildDemoRuleset();
const compiled = compileRuleset(rs);
const ctx: ScenarioContext = scenarioContext(rs, compiled.strings);
const FILE = 'what-if.json';

/** Codes seen in any problem below; the last test checks every listed code was produced. */
const seen = new Set<string>();
function problemsOf(r: ScenarioReadResult): ScenarioProblem[] {
  expect(r.ok).toBe(false);
  const problems = r.ok ? [] : r.problems;
  for (const p of problems) seen.add(p.code);
  return problems;
}
function read(doc: Record<string, unknown>): ScenarioProblem[] {
  return problemsOf(parseScenario(JSON.stringify(doc), FILE, ctx));
}
/** A minimal file plus `extra`. */
function doc(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: SCENARIO_FORMAT, ruleset: { ...ctx.ruleset }, ...extra };
}
const fieldsAndCodes = (ps: ScenarioProblem[]) => ps.map((p) => [p.where.field, p.code]);

/** A typical what-if: 3 rates changed, 5 overrides, 1 bulk rule. */
function whatIf(): Scenario {
  const s = baseScenario(ctx, '费率上调 5%');
  s.parameters.drgBaseRateYuan = { 1: 9450, 2: 11025, 3: 12600 };
  s.parameters.drgWeightOverrides = { FM19: 1.2345, ES31: 1.4, ES33: 1.1, FR45: 0.75, IC29: 4.6 };
  s.weightAdjustments = [{ scope: 'mdc', code: 'MDCF', percent: 10 }];
  return s;
}

describe('§10 the base scenario', () => {
  it('is the ruleset version, its default parameters, no weight edits and the seed formulas', () => {
    const base = baseScenario(ctx);
    expect(base.ruleset).toEqual({ name: rs.meta.name, version: DEMO_RULESET_VERSION });
    expect(base.parameters).toEqual(pricingParametersFromRuleset(DEMO_PARAMETERS, rs.meta));
    expect(base.weightAdjustments).toEqual([]);
    expect(base.useRecalibratedWeights).toBe(false);
    expect(base.formulas).toBe(SEED_COMPOSITE.text);
    expect(validateScenario(base, ctx)).toEqual([]);
  });

  it('a clone shares nothing that can be edited', () => {
    const a = whatIf();
    const b = cloneScenario(a);
    b.parameters.drgBaseRateYuan[3] = 1;
    b.parameters.drgWeightOverrides.FM19 = 2;
    b.weightAdjustments[0]!.percent = 20;
    expect(a.parameters.drgBaseRateYuan[3]).toBe(12600);
    expect(a.parameters.drgWeightOverrides.FM19).toBe(1.2345);
    expect(a.weightAdjustments[0]!.percent).toBe(10);
  });
});

describe('the file: scenarioToJson / parseScenario', () => {
  it('round trip: what is written reads back equal', () => {
    const s = whatIf();
    s.useRecalibratedWeights = true;
    s.formulas = `${SEED_COMPOSITE.text}\n# edited`;
    const r = parseScenario(scenarioToJson(s), FILE, ctx);
    expect(r).toEqual({ ok: true, scenario: s });
  });

  it('stable and pretty: fixed key order, records sorted, 2-space indent, final newline', () => {
    const a = whatIf();
    const b = whatIf();
    b.parameters.drgWeightOverrides = Object.fromEntries(Object.entries(a.parameters.drgWeightOverrides).reverse());
    const text = scenarioToJson(a);
    expect(scenarioToJson(b)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'name', 'ruleset', 'parameters', 'weightAdjustments', 'useRecalibratedWeights', 'formulas']);
    expect(Object.keys(JSON.parse(text).parameters.drgWeightOverrides)).toEqual(['ES31', 'ES33', 'FM19', 'FR45', 'IC29']);
    expect(text).toContain('\n  "format": "casemix-scenario/1",\n');
  });

  it('the full parameter set is written; a file giving only some takes the ruleset defaults for the rest', () => {
    expect(Object.keys(JSON.parse(scenarioToJson(baseScenario(ctx))).parameters)).toEqual(Object.keys(ctx.defaults));
    const r = parseScenario(JSON.stringify(doc({ parameters: { hospitalCoefficient: { 2: 0.95 }, fundRatio: { 职工: 0.9 } } })), FILE, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.parameters.hospitalCoefficient).toEqual({ 1: 1, 2: 0.95, 3: 1 }); // a level replaces that level
    expect(r.scenario.parameters.fundRatio).toEqual({ 职工: 0.9 }); //                    a record replaces the record
    expect(r.scenario.parameters.drgBaseRateYuan).toEqual(ctx.defaults.drgBaseRateYuan);
    expect(r.scenario.name).toBe('');
  });

  it('codes in overrides and rules are read trimmed and upper-cased; a byte-order mark is skipped', () => {
    const text = `\uFEFF${JSON.stringify(doc({ parameters: { drgWeightOverrides: { ' fm19': 1.5 } }, weightAdjustments: [{ scope: 'adrg', code: 'fm4', percent: 3 }] }))}`;
    const r = parseScenario(text, FILE, ctx);
    expect(r.ok && r.scenario.parameters.drgWeightOverrides).toEqual({ FM19: 1.5 });
    expect(r.ok && r.scenario.weightAdjustments).toEqual([{ scope: 'adrg', code: 'FM4', percent: 3 }]);
  });
});

describe('problems of a file, each at its field', () => {
  it('not JSON: line and column of the first error', () => {
    const [p, ...rest] = problemsOf(parseScenario('{\n  "format": "casemix-scenario/1",\n  "name": oops\n}', FILE, ctx));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'scenario.bad_json', where: { file: FILE, field: '', line: 3, column: 11 }, params: { line: 3, column: 11 } });
    expect(p!.message).toMatch(/^what-if\.json: not valid JSON \(line 3, column 11\)/);
  });

  it('the JSON error locator: cut short, trailing comma, bad escape, text after the end', () => {
    expect(jsonErrorOffset('{"a": [1, 2')).toBe(11);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('["\\x"]')).toBe(3);
    expect(jsonErrorOffset('{} x')).toBe(3);
    expect(jsonErrorOffset('{"a": [1, -0.5e3, "\\u00e9", true, null]}')).toBe(-1);
  });

  it('not an object; wrong format tag', () => {
    expect(problemsOf(parseScenario('[1]', FILE, ctx)).map((p) => p.code)).toEqual(['scenario.not_object']);
    const [p] = read({ format: 'casemix-ruleset/1' });
    expect(p).toMatchObject({ code: 'scenario.bad_format', where: { field: 'format' }, params: { expected: SCENARIO_FORMAT, got: '"casemix-ruleset/1"' } });
  });

  it('another ruleset version: refused alone, naming both', () => {
    const ps = read({ ...doc({ name: 5 }), ruleset: { name: ctx.ruleset.name, version: '2024.9' } });
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({
      code: 'scenario.ruleset_mismatch', where: { file: FILE, field: 'ruleset' },
      params: { scenarioRuleset: ctx.ruleset.name, scenarioVersion: '2024.9', loadedRuleset: ctx.ruleset.name, loadedVersion: DEMO_RULESET_VERSION },
    });
    expect(ps[0]!.message).toContain('2024.9');
    expect(ps[0]!.message).toContain(DEMO_RULESET_VERSION);
    expect(read({ ...doc(), ruleset: { name: 'Beijing 2022', version: DEMO_RULESET_VERSION } })[0]!.code).toBe('scenario.ruleset_mismatch');
  });

  it('ruleset missing or not {name, version}', () => {
    expect(fieldsAndCodes(read({ format: SCENARIO_FORMAT }))).toEqual([['ruleset', 'scenario.missing_key']]);
    expect(fieldsAndCodes(read({ format: SCENARIO_FORMAT, ruleset: 'demo' }))).toEqual([['ruleset', 'scenario.wrong_type']]);
  });

  it('unknown keys, at every level', () => {
    const ps = read({
      ...doc({ colour: 'red', parameters: { baseRate: 1, drgBaseRateYuan: { 4: 1 } }, weightAdjustments: [{ scope: 'mdc', code: 'MDCF', percent: 1, factor: 2 }] }),
      ruleset: { ...ctx.ruleset, region: '北京' },
    });
    expect(fieldsAndCodes(ps)).toEqual([
      ['ruleset.region', 'scenario.unknown_key'],
      ['colour', 'scenario.unknown_key'],
      ['parameters.baseRate', 'scenario.unknown_key'],
      ['parameters.drgBaseRateYuan.4', 'scenario.unknown_key'],
      ['weightAdjustments[0].factor', 'scenario.unknown_key'],
    ]);
  });

  it('wrong types', () => {
    const ps = read(doc({ name: 5, formulas: null, useRecalibratedWeights: 'yes', parameters: { fundRatio: 0.8, hospitalCoefficient: [1] } }));
    expect(fieldsAndCodes(ps)).toEqual([
      ['name', 'scenario.wrong_type'],
      ['formulas', 'scenario.wrong_type'],
      ['useRecalibratedWeights', 'scenario.wrong_type'],
      ['parameters.fundRatio', 'scenario.wrong_type'],
      ['parameters.hospitalCoefficient', 'scenario.wrong_type'],
    ]);
    expect(fieldsAndCodes(read(doc({ parameters: [] })))).toEqual([['parameters', 'scenario.wrong_type']]);
    expect(fieldsAndCodes(read(doc({ weightAdjustments: {} })))).toEqual([['weightAdjustments', 'scenario.wrong_type']]);
    expect(fieldsAndCodes(read(doc({ weightAdjustments: ['x', { scope: 'mdc', code: 5, percent: 1 }] })))).toEqual([
      ['weightAdjustments[0]', 'scenario.wrong_type'],
      ['weightAdjustments[1].code', 'scenario.wrong_type'],
    ]);
  });

  it('parameter problems (validatePricingParameters) at parameters.<field>', () => {
    const ps = read(doc({
      parameters: {
        drgBaseRateYuan: { 2: -5 }, hospitalCoefficient: { 1: 'abc' }, drgHighOutlierShare: 1.5,
        drgLowOutlierRatio: 3, dipPointValueYuan: 0, dipPointValueMode: 'float',
        drgWeightOverrides: { ZZ99: 1, FM19: -1 },
      },
    }));
    expect(fieldsAndCodes(ps)).toEqual([
      ['parameters.dipPointValueMode', 'param.mode'],
      ['parameters.hospitalCoefficient.1', 'param.not_number'],
      ['parameters.drgBaseRateYuan.2', 'param.negative'],
      ['parameters.drgLowOutlierRatio', 'param.order'],
      ['parameters.drgHighOutlierShare', 'param.share_range'],
      ['parameters.dipPointValueYuan', 'param.not_positive'],
      ['parameters.drgWeightOverrides.ZZ99', 'param.unknown_drg'],
      ['parameters.drgWeightOverrides.FM19', 'param.negative'],
    ]);
    expect(ps[2]).toMatchObject({ params: { file: FILE, field: 'parameters.drgBaseRateYuan.2', parameter: 'drgBaseRateYuan.2', value: -5 } });
    expect(ps[2]!.message).toBe('what-if.json: parameters.drgBaseRateYuan.2: drgBaseRateYuan.2 must not be negative (got -5)');
    expect(ps[1]!.params.value).toBe('"abc"');
  });

  it('a budget of 0 with a budget-neutral rate', () => {
    expect(fieldsAndCodes(read(doc({ parameters: { drgRateMode: 'budget', budgetYuan: 0 } })))).toEqual([['parameters.budgetYuan', 'param.budget_zero']]);
  });

  it('bulk rules: unknown scope, MDC or ADRG; a percent not a number or ≤ −100', () => {
    const ps = read(doc({
      weightAdjustments: [
        { scope: 'drg', code: 'FM19', percent: 5 },
        { scope: 'mdc', code: 'MDC9', percent: 5 },
        { scope: 'adrg', code: 'ZZ9', percent: '10' },
        { scope: 'adrg', code: 'FM1', percent: -100 },
      ],
    }));
    expect(fieldsAndCodes(ps)).toEqual([
      ['weightAdjustments[0].scope', 'scenario.adjustment_scope'],
      ['weightAdjustments[1].code', 'scenario.unknown_mdc'],
      ['weightAdjustments[2].code', 'scenario.unknown_adrg'],
      ['weightAdjustments[2].percent', 'param.not_number'],
      ['weightAdjustments[3].percent', 'scenario.percent_range'],
    ]);
    expect(ps[1]!.params.code).toBe('MDC9');
  });

  it('an edit in memory is checked the same way (no file in the message)', () => {
    const s = whatIf();
    s.parameters.dipPointValueMode = 'floating';
    s.parameters.budgetYuan = 0;
    const [p] = validateScenario(s, ctx);
    expect(p).toEqual({
      code: 'param.budget_zero', where: { field: 'parameters.budgetYuan' },
      params: { field: 'parameters.budgetYuan', parameter: 'budgetYuan', value: 0 },
      message: 'parameters.budgetYuan: a budget-neutral rate or floating point value needs a budget greater than 0',
    });
  });
});

describe('the link: changes from the base, deflated, base64url', () => {
  it('changes from the base: only what differs, per level, records whole', () => {
    const s = whatIf();
    s.parameters.drgBaseRateYuan[1] = ctx.defaults.drgBaseRateYuan[1];
    expect(scenarioChanges(s, baseScenario(ctx))).toEqual({
      format: SCENARIO_FORMAT, ruleset: ctx.ruleset, name: '费率上调 5%',
      parameters: { drgBaseRateYuan: { 2: 11025, 3: 12600 }, drgWeightOverrides: s.parameters.drgWeightOverrides },
      weightAdjustments: s.weightAdjustments,
    });
    expect(scenarioChanges(baseScenario(ctx), baseScenario(ctx))).toEqual({ format: SCENARIO_FORMAT, ruleset: ctx.ruleset });
  });

  it('round trip through a link, and its length for a typical what-if', async () => {
    const s = whatIf();
    const link = await scenarioToLink(s, ctx);
    expect(link).toMatch(/^#\/payment\?s=[A-Za-z0-9_-]+$/);
    expect(await scenarioFromLink(`https://example.org/casemix/${link}`, ctx)).toEqual({ ok: true, scenario: s });
    expect(await scenarioFromLink(link, ctx)).toEqual({ ok: true, scenario: s });
    console.info(`typical what-if link: ${link.length} characters (${JSON.stringify(scenarioChanges(s, baseScenario(ctx))).length} characters of JSON)`);
    expect(link.length).toBeLessThan(500);
    const edited = cloneScenario(s);
    edited.formulas = '综合得分 = CMI';
    edited.useRecalibratedWeights = true;
    expect(await decodeScenarioPayload(await encodeScenarioPayload(edited, ctx), ctx)).toEqual({ ok: true, scenario: edited });
    // The base link still names the ruleset (the demo's name is long, and Chinese).
    expect((await scenarioToLink(baseScenario(ctx), ctx)).length).toBeLessThan(250);
  });

  it('a link without a scenario; a damaged one; one from another ruleset version', async () => {
    expect(problemsOf(await scenarioFromLink('https://example.org/#/payment', ctx)).map((p) => p.code)).toEqual(['scenario.link_missing']);
    const payload = scenarioPayloadOf(await scenarioToLink(whatIf(), ctx))!;
    for (const bad of [payload.slice(0, payload.length - 8), `${payload.slice(0, 20)}!${payload.slice(21)}`, '', 'A', 'AAAAAAAA', payload.slice(0, 30)]) {
      expect(problemsOf(await decodeScenarioPayload(bad, ctx)).map((p) => p.code)).toEqual(['scenario.link_damaged']);
    }
    const foreign = whatIf();
    foreign.ruleset.version = '2024.9';
    const [p] = problemsOf(await scenarioFromLink(await scenarioToLink(foreign, { ...ctx, ruleset: foreign.ruleset }), ctx));
    expect(p).toMatchObject({ code: 'scenario.ruleset_mismatch', params: { scenarioVersion: '2024.9', loadedVersion: DEMO_RULESET_VERSION } });
    expect(p!.where.file).toBeUndefined();
  });

  it('a link that inflates to text that is not a scenario is read like a file', async () => {
    const deflated = new Uint8Array(await new Response(new Blob(['{"format":']).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
    const payload = Buffer.from(deflated).toString('base64url');
    expect(problemsOf(await decodeScenarioPayload(payload, ctx)).map((p) => p.code)).toEqual(['scenario.bad_json']);
  });
});

afterAll(() => {
  // Every listed code is produced by some case above.
  expect([...SCENARIO_PROBLEM_CODES].filter((c) => !seen.has(c))).toEqual([]);
});
