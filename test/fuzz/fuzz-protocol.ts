/** Messages between the fuzz runner and its child processes, and what a failure looks like. */

export type FailureKind =
  | 'freeze'
  | 'crash'
  | 'never-completed'
  | 'threw'
  | 'double-done'
  | 'silent'
  | 'error-text'
  | 'unhandled-rejection'
  | 'uncaught-exception'
  | 'pollution'
  | 'poison'
  | 'interference'
  | 'heap'
  | 'harness';

export interface Failure {
  kind: FailureKind;
  detail: string;
  /** The item of the case that caused it, when known. */
  index?: number;
  /** Which of the two nodes: 'a' (everything) or 'b' (clean stream only). */
  node?: string;
  /** The message as a JavaScript literal. */
  message?: string;
}

/** Run case `caseSeed` of configuration `configIndex`; `keep` = item indices (a shrunk case). */
export interface CaseRequest {
  id: number;
  configIndex: number;
  caseSeed: number;
  keep?: number[];
}

export interface CaseResult {
  id: number;
  failures: Failure[];
  messages: number;
  hostile: number;
  ms: number;
}
