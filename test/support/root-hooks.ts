/** Mocha root hooks: brokers started lazily by test/support/brokers.ts are stopped once, at the end. */
import { stopAll } from './brokers';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60000);
    await stopAll();
  },
};
