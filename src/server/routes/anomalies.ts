import type { FastifyInstance } from 'fastify';
import { readSeries, type StoredSeries } from '../../anomaly/index.js';
import {
  detect,
  detectGroup,
  eventJson,
  SENSITIVITIES,
  SENSITIVITY_CUTOFF,
  type Sensitivity,
} from '../../core/index.js';
import { checkName, notFound, VigilError } from '../../shared/index.js';
import type { DetectGroupResponse, DetectResponse, SeriesAnomaliesResponse } from '../api-types.js';
import { timeParam } from '../http/query-params.js';
import { projectOf } from '../project.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** anomalyRoutes registers the stateless detector: POST /v1/anomalies/detect (API.md). */
export async function anomalyRoutes(app: FastifyInstance, opts: { series: StoredSeries }): Promise<void> {
  app.post<{ Body: { series?: unknown; group?: unknown; sensitivity?: Sensitivity } }>(
    '/v1/anomalies/detect',
    {
      schema: {
        summary:
          'Score a series (expected value, bounds, score and flag per point; change points; seasonality; anomaly events), or a group of series on one time axis (one event stream; each event names the members that drove it)',
        body: {
          type: 'object',
          properties: {
            series: { type: 'array' },
            group: { description: 'named series on one time axis: {"name": [{timestamp, value}, …], …}' },
            sensitivity: { type: 'string', enum: [...SENSITIVITIES] },
          },
        },
      },
    },
    async (req): Promise<DetectResponse | DetectGroupResponse> => {
      if (typeof req.body !== 'object' || req.body === null)
        throw new VigilError('invalid_request', 'body: must be a JSON object', { field: 'body' });
      const sensitivity = req.body.sensitivity ?? 'medium';
      if ((req.body.series === undefined) === (req.body.group === undefined))
        throw new VigilError(
          'invalid_request',
          'body: give exactly one of "series" (one series) or "group" (named series on one time axis)',
          { field: 'series' },
        );
      if (req.body.group !== undefined) return detectGroupResponse(req.body.group, sensitivity);
      const { points, repairs } = readSeries(req.body.series);
      const result = detect(points, { sensitivity });
      return {
        points: result.points.map((p) => ({ ...p, timestamp: iso(p.timestamp) })),
        changepoints: result.changepoints.map(iso),
        seasonality: result.seasonality,
        events: result.events.map(eventJson),
        repairs,
      };
    },
  );

  app.post<{ Params: { name: string }; Body: unknown }>(
    '/v1/series/:name/points',
    {
      schema: {
        summary:
          'Append points to a stored series ({"points": [{timestamp, value}]} or an array); re-sent times replace',
      },
    },
    async (req) => {
      const project = projectOf(req);
      const name = checkName(req.params.name, 'name');
      const body = req.body as { points?: unknown } | unknown[] | null;
      const list = Array.isArray(body) ? body : body && typeof body === 'object' ? body.points : undefined;
      const { points, repairs } = readSeries(list, 'points');
      await opts.series.append(project, name, points);
      return { accepted: points.length, repairs };
    },
  );

  app.get<{
    Params: { name: string };
    Querystring: { from?: string; to?: string; sensitivity?: Sensitivity };
  }>(
    '/v1/series/:name/anomalies',
    {
      schema: {
        summary: 'Verdicts for a stored series, scored incrementally as points arrive',
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', maxLength: 64 },
            to: { type: 'string', maxLength: 64 },
            sensitivity: { type: 'string', enum: [...SENSITIVITIES] },
          },
        },
      },
    },
    async (req): Promise<SeriesAnomaliesResponse> => {
      const project = projectOf(req);
      const name = checkName(req.params.name, 'name');
      const result = await opts.series.anomalies(project, name, req.query.sensitivity ?? 'medium', {
        fromMs: timeParam(req.query.from, 'from'),
        toMs: timeParam(req.query.to, 'to'),
      });
      if (!result) throw notFound(`series ${JSON.stringify(name)}`);
      return {
        points: result.points.map(({ changepoint: _c, ...p }) => ({ ...p, timestamp: iso(p.timestamp) })),
        changepoints: result.changepoints.map(iso),
        seasonality: result.seasonality,
        events: result.events.map(eventJson),
        scored: result.total,
      };
    },
  );
}

/** GROUP_MEMBERS bounds the members of one group (2 … 64). */
export const GROUP_MEMBERS = { min: 2, max: 64 } as const;

/**
 * detectGroupResponse scores `{"group": {"name": [{timestamp, value}, …], …}}`: the members share
 * one time axis (a member without a point at a time is missing there) and one event stream, held
 * to one member's false-alarm rate whatever their number (core/timeseries/group.ts).
 */
function detectGroupResponse(input: unknown, sensitivity: Sensitivity): DetectGroupResponse {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new VigilError(
      'invalid_request',
      'group: must be an object of named series, {"name": [{timestamp, value}, …], …}',
      { field: 'group' },
    );
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length < GROUP_MEMBERS.min || entries.length > GROUP_MEMBERS.max)
    throw new VigilError(
      'invalid_request',
      `group: has ${entries.length} members; a group has ${GROUP_MEMBERS.min} to ${GROUP_MEMBERS.max}`,
      { field: 'group' },
    );
  const series = entries.map(([name, list]) => {
    if (name.length === 0 || name.length > 128)
      throw new VigilError('invalid_request', 'group: a member name must have 1 to 128 characters', {
        field: 'group',
      });
    return { name, ...readSeries(list, `group.${name}`) };
  });
  const result = detectGroup(series, { cutoff: SENSITIVITY_CUTOFF[sensitivity] });
  return {
    group: {
      members: [...result.members],
      steps: result.steps,
      method:
        'each member is scored by its own detector; per step, max |z| against a Šidák-corrected bar and Σz² against a χ² bar, each at half one member’s rate, so the group’s false alarms do not grow with its members',
      bars: result.bars,
      events: result.events.map((e) => ({
        start: iso(e.start),
        end: e.end === null ? null : iso(e.end),
        ongoing: e.ongoing,
        points: e.points,
        drivers: e.drivers.map((d) => ({ member: d.member, share: d.share })),
      })),
    },
    repairs: Object.fromEntries(series.map((s) => [s.name, s.repairs])),
  };
}
