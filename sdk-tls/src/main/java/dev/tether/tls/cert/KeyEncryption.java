package dev.tether.tls.cert;

/**
 * How a private key file is protected with a password. Both are PKCS#8 PBES2 with AES-256-CBC, readable by
 * OpenSSL ({@code openssl pkey -passin}) and by Tether; they differ in how the password becomes a key.
 */
public enum KeyEncryption {
    /** PBKDF2-HMAC-SHA256 with 600,000 iterations (the default; supported everywhere, including FIPS setups). */
    PBKDF2_AES_256,
    /**
     * scrypt with N=16384, r=8, p=1 (OpenSSL's defaults, 16 MiB of memory per attempt), which makes guessing
     * on GPUs expensive. Not available in FIPS mode.
     */
    SCRYPT_AES_256
}
