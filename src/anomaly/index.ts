export { forecastResidualAnomalies, type ResidualAnomalies } from './forecast-residuals.js';
export { MAX_POINTS, readSeries, type SeriesPoint } from './series-input.js';
export { StoredSeries } from './stored-series.js';
