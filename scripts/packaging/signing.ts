/**
 * Code signing and notarization are driven by environment variables (CI secrets). Where they are
 * absent the build still succeeds, unsigned, and says so in one line per platform, so that a
 * local `npm run dist` works and a release job without secrets never pretends to have signed.
 * Variable names are electron-builder's own, so its signing code picks the values up unchanged.
 */

export type PackagePlatform = 'mac' | 'win' | 'linux';

export interface MacSigning {
  /** Sign with a Developer ID certificate (CSC_LINK / CSC_NAME). */
  sign: boolean;
  /**
   * electron-builder's `mac.identity`: undefined lets it use the certificate from the environment;
   * '-' signs ad hoc, which an arm64 Mac needs to launch the app at all (Gatekeeper still warns).
   */
  identity: '-' | undefined;
  /** Submit to Apple's notary service (needs a signature and Apple credentials). */
  notarize: boolean;
}

export interface WinSigning {
  /** Sign the installer and executables (WIN_CSC_LINK / CSC_LINK, or Azure Trusted Signing). */
  sign: boolean;
  /** Azure Trusted Signing, when its variables are present instead of a certificate file. */
  azure: {
    publisherName: string;
    endpoint: string;
    certificateProfileName: string;
    codeSigningAccountName: string;
  } | null;
}

export interface SigningPlan {
  mac: MacSigning;
  win: WinSigning;
  /** One line per platform saying what will and will not be signed, and why. */
  messages: Record<PackagePlatform, string>;
}

const present = (env: NodeJS.ProcessEnv, name: string): boolean =>
  typeof env[name] === 'string' && env[name].trim() !== '';

/** Which notarization credentials are complete, in electron-builder's order of preference. */
function notaryCredentials(env: NodeJS.ProcessEnv): string | null {
  if (['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'].every((n) => present(env, n)))
    return 'an App Store Connect API key';
  if (['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'].every((n) => present(env, n)))
    return 'an Apple ID';
  if (present(env, 'APPLE_KEYCHAIN_PROFILE')) return 'a keychain profile';
  return null;
}

export function signingPlan(env: NodeJS.ProcessEnv): SigningPlan {
  const macCertificate = present(env, 'CSC_LINK') || present(env, 'CSC_NAME');
  const notary = notaryCredentials(env);
  const mac: MacSigning = {
    sign: macCertificate,
    identity: macCertificate ? undefined : '-',
    notarize: macCertificate && notary !== null,
  };
  const macMessage = !macCertificate
    ? 'macOS: not signed (CSC_LINK or CSC_NAME is not set): ad-hoc signature only, not notarized; Gatekeeper will refuse to open it until the user allows it'
    : notary === null
      ? 'macOS: signed with the Developer ID from CSC_LINK/CSC_NAME; not notarized (set APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER, or APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID)'
      : `macOS: signed with the Developer ID from CSC_LINK/CSC_NAME and notarized with ${notary}`;

  const azureVars = [
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_TRUSTED_SIGNING_ENDPOINT',
    'AZURE_TRUSTED_SIGNING_PROFILE',
    'AZURE_TRUSTED_SIGNING_ACCOUNT',
    // The updater checks an update's signature against this name (the certificate's subject CN).
    'AZURE_TRUSTED_SIGNING_PUBLISHER_NAME',
  ];
  const azure = azureVars.every((n) => present(env, n))
    ? {
        publisherName: env.AZURE_TRUSTED_SIGNING_PUBLISHER_NAME as string,
        endpoint: env.AZURE_TRUSTED_SIGNING_ENDPOINT as string,
        certificateProfileName: env.AZURE_TRUSTED_SIGNING_PROFILE as string,
        codeSigningAccountName: env.AZURE_TRUSTED_SIGNING_ACCOUNT as string,
      }
    : null;
  const winCertificate = present(env, 'WIN_CSC_LINK') || present(env, 'CSC_LINK');
  const win: WinSigning = { sign: winCertificate || azure !== null, azure };
  const winMessage = azure
    ? 'Windows: signed with Azure Trusted Signing'
    : winCertificate
      ? 'Windows: signed with the certificate from WIN_CSC_LINK/CSC_LINK'
      : 'Windows: not signed (WIN_CSC_LINK or CSC_LINK is not set): SmartScreen will warn on first launch and the updater cannot check the publisher';

  return {
    mac,
    win,
    messages: {
      mac: macMessage,
      win: winMessage,
      // AppImage and deb carry no signature; electron-updater checks the sha512 in latest-linux.yml.
      linux: 'Linux: AppImage and deb are not signed; updates are checked against their sha512',
    },
  };
}
