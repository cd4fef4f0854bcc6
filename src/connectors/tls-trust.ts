// Node's error codes for a server certificate the client does not trust or that names another host.
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A refused server certificate: Node's code and its reason without a client library's prefix. */
export interface TlsTrustProblem {
  code: string;
  reason: string;
}

/**
 * The refused-certificate error behind `err` (client libraries wrap it in `originalError` or
 * `cause`, sometimes twice), or undefined when the error has another cause. Retrying such an
 * error cannot help: only a change of the trusted CA or the host name can.
 */
export function tlsTrustProblem(err: unknown, depth = 0): TlsTrustProblem | undefined {
  const e = err as { code?: unknown; message?: unknown; originalError?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  if (typeof e.code === 'string' && TLS_TRUST_CODES.has(e.code)) {
    return { code: e.code, reason: String(e.message ?? '').replace(/^Connection error: /, '') || e.code };
  }
  return tlsTrustProblem(e.originalError, depth + 1) ?? tlsTrustProblem(e.cause, depth + 1);
}
