// The RFC 8176 amr values a passkey assertion establishes (docs/authentication.md, Passkeys: amr).

/**
 * `swk` for a backup-eligible (synced) passkey, whose private key software may copy to other devices;
 * `hwk` for a device-bound one, whose key the authenticator never lets go. With user verification (a PIN or
 * a biometric checked by the authenticator, WebAuthn L3 §6.3.3 UV flag) also `user` and `mfa`: the passkey
 * is something you have, unlocked by something you know or are (NIST SP 800-63B §5.1.9, multi-factor
 * cryptographic authenticator).
 */
export function passkeyAmr(input: { backupEligible: boolean; userVerified: boolean }): string[] {
  const key = input.backupEligible ? 'swk' : 'hwk';
  return input.userVerified ? [key, 'user', 'mfa'] : [key];
}

/** Every value passkeyAmr may give, for the registry and discovery. */
export const PASSKEY_AMR = ['hwk', 'swk', 'user', 'mfa'] as const;
