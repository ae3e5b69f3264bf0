import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluateCommandOptions } from '../../cli/evaluate-command.js';
import { runEvaluate } from '../../cli/evaluate-command.js';
import { VIGIL_BIN } from '../../cli/test-support/vigil-process.js';
import { gaussian, mulberry32 } from '../../core/timeseries/synthetic.js';
import { testEngine } from '../../store/test-support/test-store.js';
import type { CompareResponse } from '../api-types.js';
import { postNdjson, useTestServer } from '../test-support.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface Row {
  id: string;
  y: number;
  score: string;
  user: string;
}

/**
 * Two versions' predictions on the same records: the candidate's signal gains 0.8 for returning
 * users and loses 0.7 for new users (a quarter of the records), so it is better overall and
 * worse for new users (the data of `vigil evaluate`'s own test).
 */
function versions(seed: number, n: number, idPrefix = 'r', gainNew = -0.7): { ref: Row[]; cand: Row[] } {
  const u = mulberry32(seed);
  const z = gaussian(u);
  const ref: Row[] = [];
  const cand: Row[] = [];
  for (let i = 0; i < n; i++) {
    const y = u() < 0.5 ? 1 : 0;
    const isNew = u() < 0.25;
    const s = 2 * y - 1;
    const user = isNew ? 'new' : 'returning';
    ref.push({ id: `r${i}`, y, score: sigmoid(s + z()).toFixed(4), user });
    cand.push({
      id: `${idPrefix}${i}`,
      y,
      score: sigmoid((1 + (isNew ? gainNew : 0.8)) * s + z()).toFixed(4),
      user,
    });
  }
  return { ref, cand };
}

const records = (rows: Row[], version: string, environment: string) =>
  rows.map((r) => ({
    model: 'fraud',
    version,
    environment,
    id: r.id,
    tags: { user: r.user },
    prediction: { score: Number(r.score) },
    actual: { label: String(r.y) },
  }));

/** vigil runs the built CLI without blocking (the server answering it runs in this process). */
function vigil(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [VIGIL_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const csv = (rows: Row[]) =>
  `id,label,score,user\n${rows.map((r) => `${r.id},${r.y},${r.score},${r.user}`).join('\n')}\n`;

describe(`GET /v1/models/{model}/compare (${testEngine})`, () => {
  const t = useTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-compare-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** evaluateFiles runs `vigil evaluate` in-process on the same rows written to CSV files. */
  async function evaluateFiles(ref: Row[], cand: Row[], paired: boolean): Promise<CompareResponse> {
    // The route reads each version's records in id order; the files hold them in that order too
    // (a bootstrap resamples positions, so the same records in another order draw other samples).
    const byId = (rows: Row[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    writeFileSync(join(dir, 'ref.csv'), csv(byId(ref)));
    writeFileSync(join(dir, 'cand.csv'), csv(byId(cand)));
    const out = join(dir, 'out.json');
    const opts: EvaluateCommandOptions = {
      reference: join(dir, 'ref.csv'),
      candidate: join(dir, 'cand.csv'),
      ...(paired ? { id: 'id' } : {}),
      target: 'label',
      score: 'score',
      segment: ['user'],
      threshold: 0.5,
      alpha: 0.05,
      seed: 1,
      resamples: 500,
      format: 'json',
      output: out,
    };
    expect(await runEvaluate(opts)).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as CompareResponse;
  }

  async function seed(ref: Row[], cand: Row[], candEnvironment: string) {
    await t.server.app.inject({
      method: 'PUT',
      url: '/v1/models/fraud',
      payload: { task: 'binary', positive_label: '1' },
    });
    expect((await postNdjson(t.server.app, '/v1/records', records(ref, 'v3', 'production'))).status).toBe(
      200,
    );
    expect((await postNdjson(t.server.app, '/v1/records', records(cand, 'v4', candEnvironment))).status).toBe(
      200,
    );
  }

  it('paired on shared ids: better overall, worse for new users after BH; the same numbers as vigil evaluate --id', async () => {
    const { ref, cand } = versions(7, 2000);
    await seed(ref, cand, 'lab');
    const res = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/fraud/compare?baseline=v3&candidate=v4&candidate_environment=lab&by=user&resamples=500',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as CompareResponse;
    expect(body.paired).toBe(true);
    expect(body.shared_ids).toBe(2000);
    expect(body.baseline).toMatchObject({
      version: 'v3',
      environment: 'production',
      records: 2000,
      labelled: 2000,
    });
    expect(body.candidate).toMatchObject({
      version: 'v4',
      environment: 'lab',
      records: 2000,
      labelled: 2000,
    });
    expect(body.primary_metric).toBe('auc');
    expect(body.verdict).toBe('better');
    const auc = body.metrics.find((m) => m.metric === 'auc')!;
    expect(auc.test).toBe('delong_paired');
    expect(auc.difference).toBeGreaterThan(0);
    expect(auc.ci![0]).toBeGreaterThan(0);
    expect(auc.mde).toBeGreaterThan(0);
    const bySegment = Object.fromEntries(body.segments.map((s) => [s.value, s]));
    expect(bySegment['new']?.verdict).toBe('worse');
    expect(bySegment['new']!.adjusted_p_value).toBeLessThan(0.05);
    expect(bySegment['returning']?.verdict).toBe('better');
    expect(body.regression).toBe(true);

    const cli = await evaluateFiles(ref, cand, true);
    const { model, baseline, candidate, shared_ids, by, ...api } = body;
    expect(api).toEqual(cli);
  });

  it('paired when two versions scored the same ids in one environment (records keyed by version)', async () => {
    const { ref, cand } = versions(7, 600);
    await seed(ref, cand, 'production');
    const res = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/fraud/compare?baseline=v3&candidate=v4&by=user&resamples=200',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as CompareResponse;
    expect(body.paired).toBe(true);
    expect(body.shared_ids).toBe(600);
    expect(body.baseline).toMatchObject({ model: 'fraud', version: 'v3', records: 600, labelled: 600 });
    expect(body.candidate).toMatchObject({ model: 'fraud', version: 'v4', records: 600, labelled: 600 });
    // Each version keeps its own scores: the candidate is not the baseline over again.
    expect(body.metrics[0]!.difference).not.toBe(0);
  });

  it('two models scored on the same ids: paired by id with baseline_model', async () => {
    const { ref, cand } = versions(7, 800);
    for (const model of ['fraud', 'fraud_gbm'])
      await t.server.app.inject({
        method: 'PUT',
        url: `/v1/models/${model}`,
        payload: { task: 'binary', positive_label: '1' },
      });
    const as = (rows: Row[], model: string, version: string) =>
      records(rows, version, 'production').map((r) => ({ ...r, model }));
    expect((await postNdjson(t.server.app, '/v1/records', as(ref, 'fraud', 'v3'))).status).toBe(200);
    expect((await postNdjson(t.server.app, '/v1/records', as(cand, 'fraud_gbm', 'g1'))).status).toBe(200);
    const res = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/fraud_gbm/compare?baseline_model=fraud&by=user&resamples=200',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as CompareResponse;
    expect(body).toMatchObject({ model: 'fraud_gbm', paired: true, shared_ids: 800, verdict: 'better' });
    expect(body.baseline).toMatchObject({ model: 'fraud', version: null, labelled: 800 });
    expect(body.candidate).toMatchObject({ model: 'fraud_gbm', version: null, labelled: 800 });
    expect(body.segments.find((s) => s.value === 'new')?.verdict).toBe('worse');
    const bad = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/fraud_gbm/compare?baseline_model=nope',
    });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().error.message).toMatch(/^baseline_model: model "nope" not found/);
  });

  // Done-when 2 at the API: a candidate better overall by a known amount but worse in one feature
  // bucket (age ≥ 64.5, the top quartile of age ~ U[18, 80)); and one case with no difference.
  it('finds a candidate better overall by a known amount and worse in one feature bucket (BH); no verdict without a difference', async () => {
    const Phi = (x: number) => {
      // Φ by the complementary error function (Abramowitz–Stegun 7.1.26 is too coarse: use a series).
      let sum = x;
      let term = x;
      for (let k = 1; k < 200; k++) {
        term *= (x * x) / (2 * k + 1);
        sum += term;
      }
      return 0.5 + (sum * Math.exp(-(x * x) / 2)) / Math.sqrt(2 * Math.PI);
    };
    // Positives score a·1 + z, negatives a·(−1) + z: AUC = Σ_g Σ_h p_g p_h Φ((a_g + a_h)/√2).
    const auc = (groups: Array<[number, number]>) =>
      groups.reduce(
        (t, [p, a]) => t + groups.reduce((u, [q, b]) => u + p * q * Phi((a + b) / Math.SQRT2), 0),
        0,
      );
    const edge = 18 + 0.75 * 62;
    const known =
      auc([
        [0.75, 1.8],
        [0.25, 0.6],
      ]) - auc([[1, 1]]);
    const gen = (seed: number, n: number, gain: number, harm: number) => {
      const u = mulberry32(seed);
      const z = gaussian(u);
      const out: { ref: unknown[]; cand: unknown[] } = { ref: [], cand: [] };
      for (let i = 0; i < n; i++) {
        const y = u() < 0.5 ? 1 : 0;
        const age = Math.round((18 + 62 * u()) * 100) / 100;
        const s = 2 * y - 1;
        const a = age >= edge ? harm : gain;
        const base = {
          model: 'churn',
          environment: 'production',
          id: `r${i}`,
          features: { age },
          actual: { label: String(y) },
        };
        out.ref.push({ ...base, version: 'v1', prediction: { score: Number(sigmoid(s + z()).toFixed(5)) } });
        out.cand.push({
          ...base,
          version: 'v2',
          prediction: { score: Number(sigmoid(a * s + z()).toFixed(5)) },
        });
      }
      return out;
    };
    await t.server.app.inject({
      method: 'PUT',
      url: '/v1/models/churn',
      payload: { task: 'binary', positive_label: '1' },
    });
    const d = gen(5, 4000, 1.8, 0.6);
    expect((await postNdjson(t.server.app, '/v1/records', [...d.ref, ...d.cand])).status).toBe(200);
    const res = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/churn/compare?baseline=v1&candidate=v2&by=feature:age&buckets=4&metric=auc&resamples=200',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as CompareResponse;
    expect(body).toMatchObject({ paired: true, shared_ids: 4000, verdict: 'better', regression: true });
    const m = body.metrics.find((x) => x.metric === 'auc')!;
    // The interval covers the known difference.
    expect(m.ci![0]).toBeLessThanOrEqual(known);
    expect(m.ci![1]).toBeGreaterThanOrEqual(known);
    expect(body.segments.map((x) => x.column)).toEqual(Array(4).fill('feature:age'));
    const worse = body.segments.filter((x) => x.verdict === 'worse');
    expect(worse.map((x) => x.value)).toHaveLength(1);
    // The top bucket, cut at the baseline's 3rd quartile of age (near the harm's edge).
    const lower = Number(/^\[([\d.]+), inf\)$/.exec(worse[0]!.value)?.[1]);
    expect(Math.abs(lower - edge)).toBeLessThan(2);
    expect(worse[0]!.flagged).toBe(true);
    expect(worse[0]!.adjusted_p_value).toBeLessThan(0.05);
    expect(body.segments.filter((x) => x.verdict === 'better')).toHaveLength(3);

    // No difference: the same model on another sample.
    const e = gen(6, 1500, 1, 1);
    const same = [...e.ref, ...e.cand].map((r) => ({ ...(r as object), model: 'churn_null' }));
    await t.server.app.inject({
      method: 'PUT',
      url: '/v1/models/churn_null',
      payload: { task: 'binary', positive_label: '1' },
    });
    expect((await postNdjson(t.server.app, '/v1/records', same)).status).toBe(200);
    const nul = (
      await t.server.app.inject({
        method: 'GET',
        url: '/v1/models/churn_null/compare?baseline=v1&candidate=v2&by=feature:age&resamples=200',
      })
    ).json() as CompareResponse;
    expect(nul.verdict).toBe('no_detectable_difference');
    expect(nul.segments.filter((x) => x.verdict !== 'no_detectable_difference')).toEqual([]);
    expect(nul.regression).toBe(false);
  });

  it('unpaired when the versions scored different records, and says so; the same numbers as vigil evaluate without --id', async () => {
    const { ref, cand } = versions(11, 1500, 'c');
    await seed(ref, cand, 'production');
    const res = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/fraud/compare?baseline=v3&candidate=v4&by=user&resamples=500',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as CompareResponse;
    expect(body.paired).toBe(false);
    expect(body.shared_ids).toBe(0);
    expect(body.metrics[0]!.test).toBe('delong_unpaired');
    const cli = await evaluateFiles(ref, cand, false);
    const { model, baseline, candidate, shared_ids, by, ...api } = body;
    expect(api).toEqual(cli);
  });

  it('answers bad input with 400 (404 for a version without records) naming the field', async () => {
    const { ref, cand } = versions(3, 200);
    await seed(ref, cand, 'lab');
    const get = async (query: string) => {
      const res = await t.server.app.inject({ method: 'GET', url: `/v1/models/fraud/compare?${query}` });
      return {
        status: res.statusCode,
        error: (res.json() as { error: { code: string; message: string } }).error,
      };
    };
    const cases: Array<[string, number, string, RegExp]> = [
      ['baseline=v3&candidate=v4&candidate_environment=lab&baslin=x', 400, 'unknown_parameter', /"baslin"/],
      ['baseline=v3', 400, 'invalid_request', /^candidate/],
      ['baseline=v3&candidate=v9', 404, 'not_found', /^candidate: version "v9"/],
      ['baseline=v1&candidate=v4&candidate_environment=lab', 404, 'not_found', /^baseline: version "v1"/],
      [
        'baseline=v3&candidate=v4&candidate_environment=prod',
        400,
        'invalid_request',
        /^candidate_environment: must be one of/,
      ],
      ['baseline=v3&candidate=v4&candidate_environment=lab&alpha=2', 400, 'invalid_request', /^alpha/],
      [
        'baseline=v3&candidate=v4&candidate_environment=lab&metric=f1',
        400,
        'invalid_request',
        /^metric: unknown metric f1/,
      ],
      ['baseline=v3&candidate=v4&candidate_environment=lab&from=yesterday', 400, 'invalid_request', /^from/],
    ];
    for (const [query, status, code, message] of cases) {
      const r = await get(query);
      expect([query, r.status, r.error.code], r.error.message).toEqual([query, status, code]);
      expect(r.error.message).toMatch(message);
    }
    const unknownModel = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/nope/compare?baseline=a&candidate=b',
    });
    expect(unknownModel.statusCode).toBe(404);
  });

  // The CLI's exit codes do not depend on the engine: run once, on the embedded one.
  it.skipIf(testEngine !== 'chdb')(
    'vigil evaluate --server: exit 1 on a segment regression with --fail-on, 0 without it or when better everywhere, 2 on bad input',
    async () => {
      expect(existsSync(new URL('../../../dist/cli/main.js', import.meta.url)), 'npm run build first').toBe(
        true,
      );
      const { ref, cand } = versions(7, 1000);
      await seed(ref, cand, 'lab');
      // v5 in validation: better for every user.
      await postNdjson(
        t.server.app,
        '/v1/records',
        records(versions(7, 1000, 'r', 0.8).cand, 'v5', 'validation'),
      );
      const url = await t.server.app.listen({ port: 0, host: '127.0.0.1' });
      // 500 resamples (the server takes --resamples and --seed through): the verdicts are DeLong's.
      const server = [
        'evaluate',
        '--server',
        url,
        '--model',
        'fraud',
        '--baseline-version',
        'v3',
        '--resamples',
        '500',
      ];

      const gate = await vigil([
        ...server,
        '--candidate-version',
        'v4',
        '--candidate-environment',
        'lab',
        '--segment',
        'user',
        '--format',
        'json',
        '--fail-on',
        'regression',
      ]);
      expect(gate.stderr).toBe('');
      expect(gate.code).toBe(1);
      const j = JSON.parse(gate.stdout) as CompareResponse;
      expect(j).toMatchObject({ paired: true, verdict: 'better', regression: true, shared_ids: 1000 });
      expect(j.segments.find((s) => s.value === 'new')?.verdict).toBe('worse');

      const text = await vigil([
        ...server,
        '--candidate-version',
        'v4',
        '--candidate-environment',
        'lab',
        '--segment',
        'user',
      ]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('Candidate vs reference on auc: better');
      expect(text.stdout).toContain('user=new');

      const better = await vigil([
        ...server,
        '--candidate-version',
        'v5',
        '--candidate-environment',
        'validation',
        '--segment',
        'user',
        '--fail-on',
        'regression',
      ]);
      expect(better.stderr).toBe('');
      expect(better.code).toBe(0);

      const missing = await vigil([...server, '--candidate-version', 'v9']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/candidate: version "v9" of model "fraud" has no records/);
      const noCandidate = await vigil(server);
      expect(noCandidate.code).toBe(2);
      expect(noCandidate.stderr).toContain('--candidate-version is required with --server');
      const mixed = await vigil([...server, '--candidate-version', 'v4', '--target', 'label']);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain('--target: not used with --server');
    },
  );
});
