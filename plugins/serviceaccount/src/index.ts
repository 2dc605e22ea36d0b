import { definePlugin } from '@keelson/api';
import { serviceAccountAdmission } from './serviceaccount-admission.js';
import { serviceAccountsController } from './serviceaccounts-controller.js';

export { DEFAULT_SERVICE_ACCOUNT_NAME, ensureServiceAccount, NAMESPACE_TERMINATING_CAUSE } from './default-service-account.js';
export { ENFORCE_MOUNTABLE_SECRETS_ANNOTATION } from './pod-secrets.js';
export { MIRROR_POD_ANNOTATION, serviceAccountAdmission, shouldAutomount, type ServiceAccountAdmissionOptions } from './serviceaccount-admission.js';
export { serviceAccountsController } from './serviceaccounts-controller.js';
export { DEFAULT_API_TOKEN_MOUNT_PATH, mountServiceAccountToken, SERVICE_ACCOUNT_VOLUME_NAME, TOKEN_EXPIRATION_SECONDS, tokenVolumeSource } from './token-volume.js';

/**
 * ServiceAccounts as Kubernetes users see them: the serviceaccount controller keeps a "default"
 * ServiceAccount in every active namespace, and the ServiceAccount admission gives every new pod
 * its account (default "default") and the projected kube-api-access volume mounted in its containers.
 */
export default definePlugin({
  name: 'serviceaccount',
  dependsOn: ['core'],
  admission: [serviceAccountAdmission()],
  controllers: [serviceAccountsController()],
});
