import { definePlugin } from '@keelson/api';
import { DeploymentKind } from './deployment-kind.js';

export { DeploymentKind, defaultDeployment, validateDeployment } from './deployment-kind.js';
export { deploymentColumns } from './printers.js';

/** apps/v1 Deployment and its controller. */
export default definePlugin({
  name: 'deployment',
  dependsOn: ['core', 'replicaset'],
  kinds: [DeploymentKind],
});
