import { RedAPI, RedNode } from './shared/red';
import { WindowNodeConfig, setupWindowNode } from './shared/window-node';

export = (RED: RedAPI) => {
  function StreamGlobalWindow(this: RedNode, config: WindowNodeConfig) {
    RED.nodes.createNode(this, config);
    setupWindowNode(RED, this, config, 'global');
  }
  RED.nodes.registerType('stream-global-window', StreamGlobalWindow);
};
