/**
 * Reading a changelog back did not finish in time. Its message is the English text for logs;
 * the nodes say it from their catalogs by the topic and the time allowed.
 */
export class ChangelogTimeout extends Error {
  constructor(
    readonly topic: string,
    /** How long the read was allowed, in ms. */
    readonly ms: number,
  ) {
    super(`reading ${topic} took longer than ${ms} ms`);
    this.name = 'ChangelogTimeout';
  }
}
