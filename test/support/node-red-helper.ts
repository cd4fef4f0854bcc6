// node-red-node-test-helper, set up once for every test that runs nodes in a real Node-RED runtime.
// Its unload() stops the flows but leaves the context stores open, and a localfilesystem store
// with its write cache keeps a 30 s flush timer that would outlive the run; here unload() also
// closes them (writing what is pending), as Node-RED does when it stops.
// The helper ships no types.
export const helper = require('node-red-node-test-helper');

helper.init(require.resolve('node-red'));

const unload = helper.unload.bind(helper);
helper.unload = async (): Promise<void> => {
  await unload();
  await helper._context.close();
};
