import { RedAPI, RedNode } from './shared/red';
import { useCatalog } from './shared/i18n';
import { WindowNodeConfig, setupWindowNode } from './shared/window-node';

export = (RED: RedAPI) => {
  function StreamSlidingWindow(this: RedNode, config: WindowNodeConfig) {
    RED.nodes.createNode(this, config);
    setupWindowNode(RED, this, config, 'sliding');
  }
  useCatalog(RED, 'stream-sliding-window');
  RED.nodes.registerType('stream-sliding-window', StreamSlidingWindow);
};
