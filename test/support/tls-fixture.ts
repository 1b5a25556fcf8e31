/**
 * A self-signed certificate for `receiver.test` and 127.0.0.1 (P-256, valid for a century), for
 * HTTPS receivers in tests. A test key, trusted by nothing: made with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
 * -subj "/CN=receiver.test" -addext "subjectAltName=DNS:receiver.test,IP:127.0.0.1"`.
 */
export const TEST_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBqDCCAU2gAwIBAgIUORrYKR64gR88wrWg14KvMUblLXwwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNcmVjZWl2ZXIudGVzdDAgFw0yNjEyMDIwNDIzMDBaGA8yMTI2
MTEwODA0MjMwMFowGDEWMBQGA1UEAwwNcmVjZWl2ZXIudGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABP+rSdykU0cBkA1BCcXFXv4dzHq7H4T5/RZMXSmXqVeo
hSoHGxRCTJFo2c+wentZdixKzITtG03Zcn7C/MZQJCqjczBxMB0GA1UdDgQWBBQy
cuuYSS4HQwlQOLx/XJTKNHDVITAfBgNVHSMEGDAWgBQycuuYSS4HQwlQOLx/XJTK
NHDVITAPBgNVHRMBAf8EBTADAQH/MB4GA1UdEQQXMBWCDXJlY2VpdmVyLnRlc3SH
BH8AAAEwCgYIKoZIzj0EAwIDSQAwRgIhAOMndwwAEjIm0zsrS4gy4U+o5F5hlX8R
VnklrA6wqaSVAiEA4/d7jZL/KrwuVdKnMnuIRBuz32ec/s9VIUfrnkb38lQ=
-----END CERTIFICATE-----
`;

export const TEST_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1h3cSmpF5QRAYdyO
0it48XoJEvolzugjWMz62hMaPYyhRANCAAT/q0ncpFNHAZANQQnFxV7+Hcx6ux+E
+f0WTF0pl6lXqIUqBxsUQkyRaNnPsHp7WXYsSsyE7RtN2XJ+wvzGUCQq
-----END PRIVATE KEY-----
`;
