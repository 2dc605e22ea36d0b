import { definePlugin } from '@keelson/api';
import { deploymentController } from './controller.js';
import { DeploymentKind } from './deployment-kind.js';

export { DeploymentKind, defaultDeployment, validateDeployment } from './deployment-kind.js';
export { deploymentColumns } from './printers.js';
export { deploymentController, syncDeployment } from './controller.js';
export * from './util.js';
export { AVAILABLE, PROGRESSING, Reasons as DeploymentReasons, calculateStatus, deploymentComplete } from './status.js';

/** apps/v1 Deployment and its controller. */
export default definePlugin({
  name: 'deployment',
  dependsOn: ['core', 'replicaset'],
  kinds: [DeploymentKind],
  controllers: [deploymentController],
});
