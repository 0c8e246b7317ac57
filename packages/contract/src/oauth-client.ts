/**
 * The desktop app's OAuth client (docs/api.md § Sign-in): the service accepts exactly this client id
 * and redirect URI; the desktop core and the device CLI sign in as it.
 */
export const CLIENT_ID = 'cutline-desktop';
export const REDIRECT_URI = 'cutline://auth/callback';
