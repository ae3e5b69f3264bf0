// Public surface of core/forecast: short-horizon forecasts of a monitored metric and the chance
// that it breaches its threshold within the horizon.
export {
  type BreachForecastOptions,
  type BreachForecastResult,
  type BreachThreshold,
  breachForecast,
} from './breach.js';
export {
  DEFAULT_HOLT_GRID,
  forecastHolt,
  type HoltForecast,
  type HoltGrid,
  type HoltOptions,
  type HoltParams,
} from './holt.js';
export { forecastWindow, type WindowSpec } from './window.js';
