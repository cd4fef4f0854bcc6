import { RedAPI, RedNode } from './shared/red';
import { WindowNodeConfig, setupWindowNode } from './shared/window-node';

export = (RED: RedAPI) => {
  function StreamSlidingWindow(this: RedNode, config: WindowNodeConfig) {
    RED.nodes.createNode(this, config);
    setupWindowNode(RED, this, config, 'sliding');
  }
  RED.nodes.registerType('stream-sliding-window', StreamSlidingWindow);
};
