export enum KnownLicense {
  MIT = 'MIT',
  Apache2 = 'Apache-2.0',
  GPL3 = 'GPL-3.0-only',
  BSD3 = 'BSD-3-Clause',
}

export function isPermissive(id: string): boolean {
  return id === KnownLicense.MIT || id === KnownLicense.Apache2 || id === KnownLicense.BSD3;
}
