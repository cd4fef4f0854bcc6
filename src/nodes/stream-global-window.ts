import { RedAPI, RedNode } from './shared/red';
import { useCatalog } from './shared/i18n';
import { WindowNodeConfig, setupWindowNode } from './shared/window-node';

export = (RED: RedAPI) => {
  function StreamGlobalWindow(this: RedNode, config: WindowNodeConfig) {
    RED.nodes.createNode(this, config);
    setupWindowNode(RED, this, config, 'global');
  }
  useCatalog(RED, 'stream-global-window');
  RED.nodes.registerType('stream-global-window', StreamGlobalWindow);
};
