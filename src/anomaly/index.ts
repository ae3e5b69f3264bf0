export { MAX_POINTS, readSeries, type SeriesPoint } from './series-input.js';
