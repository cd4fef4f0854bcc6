/**
 * A subscription the broker refused (a SUBACK reason code of 128 or more, e.g. not authorised
 * for the filter). Its message is the English text for logs; the nodes say it from their
 * catalogs by the subscription and the broker's reason code.
 */
export class SubscriptionRefusal extends Error {
  constructor(
    readonly subscription: string,
    /** The broker's SUBACK reason code. */
    readonly reasonCode: number,
  ) {
    super(`broker refused the subscription to ${subscription} (reason ${reasonCode})`);
    this.name = 'SubscriptionRefusal';
  }
}
