import { definePlugin } from '@keelson/api';
import { namespaceLifecycleAdmission } from './lifecycle-admission.js';
import { namespaceController } from './namespace-controller.js';

export { immortalNamespaces, namespaceLifecycleAdmission } from './lifecycle-admission.js';
export { CONTENT_RECHECK_MS, namespaceController } from './namespace-controller.js';

/** Namespace lifecycle: admission for missing/terminating namespaces and the namespace controller. */
export default definePlugin({
  name: 'namespace',
  dependsOn: ['core'],
  admission: [namespaceLifecycleAdmission()],
  controllers: [namespaceController()],
});
