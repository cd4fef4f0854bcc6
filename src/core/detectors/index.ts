/** Pattern detectors: streaming per key, or over a closed window. */
export * from './detector';
export { AnomalyDetector, squash } from './anomaly';
export type { AnomalyOptions, AnomalyResult, Direction } from './anomaly';
export { SpikeDetector } from './spike';
export type { SpikeOptions, SpikeResult, SpikeMode } from './spike';
export { ChangePointDetector, cusumLimit } from './change-point';
export type { ChangePointOptions, ChangePointResult } from './change-point';
export { TrendDetector, mannKendall, olsSlope, DEFAULT_TREND_CONFIDENCE } from './trend';
export type { TrendOptions, TrendResult, TrendState } from './trend';
export { SeasonalityDetector, detectPeriod } from './seasonality';
export type { Period, PeriodOptions, SeasonalityOptions } from './seasonality';
export { AlertState } from './alert-state';
export type { AlertStateOptions, AlertTransition } from './alert-state';
export { RollingQuantiles } from './rolling-quantiles';
export { NumberRing } from './ring';
export { autocorrelation } from './fft';
export { normalTail } from './normal';
