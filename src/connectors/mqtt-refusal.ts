/**
 * A connection the broker or its certificate refuses for good: retrying cannot help until the
 * settings change. Its message is the English text for logs; the nodes say it from their
 * catalogs by its kind and detail.
 */
export class MqttRefusal extends Error {
  constructor(
    /** `credentials`: the broker refused the login; `certificate`: its TLS certificate is not trusted. */
    readonly kind: 'credentials' | 'certificate',
    /** The broker's or the TLS layer's own words. */
    readonly detail: string,
    /** Node's TLS error code, for `certificate`. */
    readonly tlsCode = '',
  ) {
    super(
      kind === 'credentials'
        ? `broker refused the connection: ${detail}`
        : `TLS: ${detail}; the broker's certificate is not trusted (${tlsCode}): give the TLS configuration the CA certificate that signed it, or check the host name, then deploy again`,
    );
    this.name = 'MqttRefusal';
  }
}
