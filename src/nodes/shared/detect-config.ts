/**
 * The detector settings of stream-detect's flow JSON (history, threshold, confidence, minHistory,
 * direction, false alerts, hold-off), converted and checked as the node reads them at deploy.
 * Pure of Node-RED and of the detectors themselves, so the editor's rules run the same checks.
 */
import type { DetectorOptions } from '../../core/detectors/detector';
import type { HistorySpec } from '../../core/detectors/keyed-detector';
import { parseDuration } from '../../core/duration';
import { ConfigError } from '../../core/errors';
import type { ConfigReason } from '../../core/config-reasons';

/** stream-detect's detector settings as flow JSON holds them. */
export interface DetectSettingsConfig {
  history?: unknown;
  threshold?: unknown;
  confidence?: unknown;
  direction?: unknown;
  minHistory?: unknown;
  falseAlerts?: unknown;
}

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function parseHistory(value: unknown): HistorySpec | undefined {
  if (isBlank(value)) return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) {
    const events = Number(text);
    if (events < 3 || events > 100000) throw ConfigError.of('history', 'historyEvents', { got: text });
    return { events };
  }
  const duration = parseDuration(text, 'history');
  if (!(duration > 0)) throw ConfigError.of('history', 'historyPositive');
  return { duration };
}

function parseNumber(value: unknown, field: string, code: ConfigReason, ok: (n: number) => boolean): number | undefined {
  if (isBlank(value)) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !ok(n)) throw ConfigError.of(field, code, { got: String(value) });
  return n;
}

/** Confidence as a fraction; users coming from Azure Stream Analytics type percentages (99). */
function parseConfidence(value: unknown): number | undefined {
  const n = parseNumber(value, 'confidence', 'confidenceNumber', (x) => (x >= 0.5 && x < 1) || (x >= 50 && x < 100));
  return n === undefined ? undefined : n >= 50 ? n / 100 : n;
}

/** The detector options and history of pattern `pattern` (checked by the node first); throws ConfigError naming the field. */
export function parseDetectorSettings(config: DetectSettingsConfig, pattern: string): { options: DetectorOptions; history: HistorySpec | undefined } {
  const history = parseHistory(config.history);
  const direction = isBlank(config.direction) ? 'both' : config.direction;
  if (direction !== 'up' && direction !== 'down' && direction !== 'both')
    throw ConfigError.of('direction', 'notAllowed', { got: String(direction), allowed: 'up, down, both' });
  const options: DetectorOptions = {
    threshold: parseNumber(config.threshold, 'threshold', 'thresholdNumber', (x) => x > 0 && x <= 1),
    confidence: parseConfidence(config.confidence),
    minHistory: parseNumber(config.minHistory, 'minHistory', 'minHistoryNumber', (x) => Number.isInteger(x) && x >= 0),
    direction,
    falseAlerts: pattern === 'auto' ? parseNumber(config.falseAlerts, 'falseAlerts', 'falseAlertsNumber', (x) => x > 0 && x <= 10000) : undefined,
  };
  for (const k of Object.keys(options) as (keyof DetectorOptions)[]) if (options[k] === undefined) delete options[k];
  return { options, history };
}

/** The hold-off between alerts in ms; undefined when empty (the detector's default). */
export function parseHoldOff(value: unknown): number | undefined {
  return isBlank(value) ? undefined : parseDuration(value, 'holdOff', { allowZero: true });
}
