type QRCodeLibrary = typeof import('qrcode');
let qrCodeLibrary: Promise<QRCodeLibrary> | undefined;

/** The QR code library, loaded on the first enrolment page that shows a code (not by a server that shows none). */
function qrCode(): Promise<QRCodeLibrary> {
  qrCodeLibrary ??= import('qrcode').then((module) => module.default);
  return qrCodeLibrary;
}

/**
 * QR codes for the otpauth:// URI. Error correction level M (15 %) keeps the code small enough for phone
 * cameras at the URI's usual length (~120 characters). The URI holds the secret: render it only on the
 * enrolment page, never cache it (`Cache-Control: no-store`) and never log it.
 */
const options = { errorCorrectionLevel: 'M', margin: 2 } as const;

/** A `data:image/png;base64,…` URL, for an `<img src>` (the CSP allows `img-src data:`). */
export async function totpQrCodeDataUrl(uri: string): Promise<string> {
  return (await qrCode()).toDataURL(uri, { ...options, type: 'image/png', width: 240 });
}

/** A standalone `<svg>…</svg>` document, for inlining into a page. It holds no script and no external reference. */
export async function totpQrCodeSvg(uri: string): Promise<string> {
  return (await qrCode()).toString(uri, { ...options, type: 'svg' });
}
