import { RedAPI, RedNode } from './shared/red';
import { useCatalog } from './shared/i18n';
import { WindowNodeConfig, setupWindowNode } from './shared/window-node';

export = (RED: RedAPI) => {
  function StreamSessionWindow(this: RedNode, config: WindowNodeConfig) {
    RED.nodes.createNode(this, config);
    setupWindowNode(RED, this, config, 'session');
  }
  useCatalog(RED, 'stream-session-window');
  RED.nodes.registerType('stream-session-window', StreamSessionWindow);
};
