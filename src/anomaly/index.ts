export { MAX_POINTS, readSeries, type SeriesPoint } from './series-input.js';
export { StoredSeries } from './stored-series.js';
