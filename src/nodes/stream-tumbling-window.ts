import { RedAPI, RedNode } from './shared/red';
import { useCatalog } from './shared/i18n';
import { WindowNodeConfig, setupWindowNode } from './shared/window-node';

export = (RED: RedAPI) => {
  function StreamTumblingWindow(this: RedNode, config: WindowNodeConfig) {
    RED.nodes.createNode(this, config);
    setupWindowNode(RED, this, config, 'tumbling');
  }
  useCatalog(RED, 'stream-tumbling-window');
  RED.nodes.registerType('stream-tumbling-window', StreamTumblingWindow);
};
