/** Tag carried by every app instance; Session Manager access and the operator docs key on it. */
export const APP_INSTANCE_TAG = { key: 'bastion:role', value: 'app' } as const;
