export { measureFileDrift } from './file-drift.js';
export {
  buildOfflineReport,
  DEGRADED_RELATIVE,
  type OfflineReport,
  type PerformanceSection,
  type ReportOptions,
} from './offline-report.js';
export { renderHtml, renderMarkdown, renderText } from './render.js';
