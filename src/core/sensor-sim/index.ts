/** The sensor simulator's public surface, for the sensor-sim node and tests. */
export { createPrng, seedFrom } from './prng';
export type { Prng } from './prng';
export { FIELD_MODELS, FIELD_NAMES } from './field-models';
export type { FieldModel } from './field-models';
export { parseSensorSimConfig, ANOMALY_TYPES, DEFAULT_ANOMALY_TYPES } from './config';
export type { SensorSimConfig, RawSensorSimConfig, AnomalyType } from './config';
export { DeliveryQueue } from './delivery-queue';
export { SensorSimulator } from './simulator';
export type { SimReading } from './simulator';
