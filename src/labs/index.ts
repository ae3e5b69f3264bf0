// Public surface of Labs, Vigil's experimental tier. The server's route plugin and the CLI use
// these; nothing in the stable tiers imports Labs. Everything else in this folder is internal.
export { bucketOf, isAllocated } from './allocation.js';
export {
  ENTRY_FILES,
  type Experiment,
  type ExperimentState,
  isHttpSourceBody,
  type Limits,
  OUTCOMES,
  type Outcome,
  type Prices,
  publicView,
  STATES,
} from './experiment.js';
export type { PredictAnswer } from './gateway.js';
export { computeReport, type LabsReport, type ReportInputs, type ReportOptions } from './report/compute.js';
export { buildReport, readReportInputs } from './report/read-report.js';
export { renderHtml } from './report/render-html.js';
export { renderMarkdown } from './report/render-md.js';
export { sandboxReadableFolder } from './sandbox/readable-folder.js';
export { LabsService, type LabsServiceOptions } from './service.js';
export { type ShadowRecord, type ShadowStats, shareOf } from './shadow.js';
export { type TrialResult, tryPrototype } from './trial.js';
export { WIDGET_SOURCE } from './widget/widget-source.js';
