export { splitBody } from './body.js';
export {
  type IngestCounters,
  type IngestError,
  type IngestKind,
  type IngestResponse,
  type IngestResult,
  IngestService,
} from './ingest-service.js';
export { RECORD_LIMITS, type RecordRow, toActualRow, toRecordRow } from './record-row.js';
