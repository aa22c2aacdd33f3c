// A small deterministic case table for unit tests and benchmarks of the plain kernels (domain §1 schema).
// The built-in demo comes from the full synthetic generator (synthetic-cases.ts); same seed, same bytes.
import {
  DateDay, Dictionary, Field, Int32, List, Table, Utf8, makeVector, tableToIPC, vectorFromArray,
} from 'apache-arrow';

/** mulberry32: tiny, fast, good enough for synthetic data; deterministic across platforms. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DepartmentProfile {
  name: string;
  dx: string[];
  procs: string[];
  meanCost: number;
  meanLos: number;
  deathRate: number;
}

// Codes are ICD-10 / ICD-9-CM-3 (医保版 2.0) examples typical of each department.
const DEPARTMENTS: DepartmentProfile[] = [
  { name: '心血管内科', dx: ['I21.000', 'I20.000', 'I50.900', 'I48.000', 'I10.x00'], procs: ['36.0600', '88.5500'], meanCost: 28000, meanLos: 8, deathRate: 0.02 },
  { name: '呼吸内科', dx: ['J18.900', 'J44.100', 'J45.900', 'C34.900'], procs: ['33.2400'], meanCost: 12000, meanLos: 9, deathRate: 0.015 },
  { name: '普通外科', dx: ['K80.100', 'K35.800', 'K40.900', 'K56.700'], procs: ['51.2300', '47.0100', '53.0200'], meanCost: 18000, meanLos: 7, deathRate: 0.004 },
  { name: '骨科', dx: ['S72.000', 'M17.100', 'S82.200', 'M51.202'], procs: ['81.5100', '79.3500', '81.5400'], meanCost: 42000, meanLos: 12, deathRate: 0.003 },
  { name: '神经内科', dx: ['I63.900', 'G45.900', 'G40.900', 'I61.900'], procs: [], meanCost: 15000, meanLos: 11, deathRate: 0.025 },
  { name: '泌尿外科', dx: ['N20.100', 'N40.x00', 'C67.900'], procs: ['56.0x00', '60.2900'], meanCost: 16000, meanLos: 6, deathRate: 0.002 },
  { name: '妇产科', dx: ['O80.000', 'O82.000', 'D25.900', 'N83.200'], procs: ['74.1x00', '68.4900'], meanCost: 9000, meanLos: 5, deathRate: 0.0005 },
  { name: '儿科', dx: ['J18.000', 'A09.000', 'J06.900', 'P59.900'], procs: [], meanCost: 5000, meanLos: 5, deathRate: 0.001 },
  { name: '肿瘤科', dx: ['Z51.100', 'C50.900', 'C16.900', 'C18.900'], procs: ['99.2500'], meanCost: 14000, meanLos: 6, deathRate: 0.01 },
  { name: '重症医学科', dx: ['J96.000', 'A41.900', 'R57.000'], procs: ['96.7200', '31.1x00'], meanCost: 95000, meanLos: 16, deathRate: 0.18 },
];
const SECONDARY = ['E11.900', 'I10.x00', 'E78.500', 'N18.900', 'J96.000', 'D64.900', 'E87.100', 'K76.000'];
const HOSPITALS = [{ id: 'H01', level: 3 }, { id: 'H02', level: 3 }, { id: 'H03', level: 2 }];

export interface DemoOptions {
  cases: number;
  seed: number;
}

/** Standard normal by Box–Muller from the seeded generator. */
function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function generateDemoTable({ cases, seed }: DemoOptions): Table {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const caseId: string[] = [], patientId: string[] = [], hospitalId: string[] = [], department: string[] = [];
  const principalDx: string[] = [], principalProc: (string | null)[] = [], sex: string[] = [];
  const secondaryDx: string[][] = [], otherProcs: string[][] = [];
  const hospitalLevel = new Int8Array(cases), ageYears = new Int16Array(cases), los = new Int32Array(cases);
  const status = new Int8Array(cases), totalCost = new Float64Array(cases), drugCost = new Float64Array(cases);
  const consumableCost = new Float64Array(cases), otherCost = new Float64Array(cases);
  const admit: Date[] = [], discharge: Date[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < cases; i++) {
    const h = pick(HOSPITALS), d = pick(DEPARTMENTS);
    caseId.push(`C${String(i + 1).padStart(7, '0')}`);
    patientId.push(`P${String(Math.floor(rand() * cases * 0.8)).padStart(7, '0')}`);
    hospitalId.push(h.id);
    hospitalLevel[i] = h.level;
    department.push(d.name);
    const dx = pick(d.dx);
    principalDx.push(dx);
    sex.push(dx.startsWith('O') || dx.startsWith('D25') || dx.startsWith('N83') ? 'F' : dx.startsWith('N40') ? 'M' : rand() < 0.5 ? 'M' : 'F');
    ageYears[i] = dx.startsWith('P') ? 0 : d.name === '儿科' ? Math.floor(rand() * 14) : dx.startsWith('O') ? 20 + Math.floor(rand() * 20) : 18 + Math.floor(rand() * 72);
    const nSec = Math.floor(rand() * 4);
    const sec: string[] = [];
    for (let k = 0; k < nSec; k++) { const c = pick(SECONDARY); if (c !== dx && !sec.includes(c)) sec.push(c); }
    secondaryDx.push(sec);
    const hasProc = d.procs.length > 0 && rand() < 0.7;
    principalProc.push(hasProc ? pick(d.procs) : null);
    otherProcs.push(hasProc && rand() < 0.3 ? ['88.3800'] : []);
    const severity = 1 + 0.25 * sec.length;
    const stay = Math.max(1, Math.round(d.meanLos * severity * Math.exp(0.45 * normal(rand) - 0.1)));
    los[i] = stay;
    const day = start + Math.floor(rand() * 365) * 86_400_000;
    admit.push(new Date(day));
    discharge.push(new Date(day + stay * 86_400_000));
    status[i] = rand() < d.deathRate * severity ? 5 : rand() < 0.03 ? 2 : 1;
    const cost = Math.round(d.meanCost * severity * (h.level === 3 ? 1.1 : 0.85) * Math.exp(0.5 * normal(rand) - 0.125) * 100) / 100;
    totalCost[i] = cost;
    drugCost[i] = Math.round(cost * 0.28 * 100) / 100;
    consumableCost[i] = Math.round(cost * 0.22 * 100) / 100;
    otherCost[i] = Math.round((cost - drugCost[i] - consumableCost[i]) * 100) / 100;
  }
  const dict = () => new Dictionary(new Utf8(), new Int32());
  const list = () => new List(new Field('item', new Utf8(), true));
  return new Table({
    case_id: vectorFromArray(caseId, new Utf8()),
    patient_id: vectorFromArray(patientId, new Utf8()),
    hospital_id: vectorFromArray(hospitalId, dict()),
    hospital_level: makeVector(hospitalLevel),
    department: vectorFromArray(department, dict()),
    admit_date: vectorFromArray(admit, new DateDay()),
    discharge_date: vectorFromArray(discharge, new DateDay()),
    los: makeVector(los),
    age_years: makeVector(ageYears),
    sex: vectorFromArray(sex, dict()),
    discharge_status: makeVector(status),
    principal_dx: vectorFromArray(principalDx, dict()),
    secondary_dx: vectorFromArray(secondaryDx, list()),
    principal_proc: vectorFromArray(principalProc, dict()),
    other_procs: vectorFromArray(otherProcs, list()),
    total_cost: makeVector(totalCost),
    drug_cost: makeVector(drugCost),
    consumable_cost: makeVector(consumableCost),
    other_cost: makeVector(otherCost),
  });
}

export function demoArrowBytes(options: DemoOptions, format: 'file' | 'stream' = 'file'): Uint8Array {
  return tableToIPC(generateDemoTable(options), format);
}
