package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/** Signs test tokens with real keys. */
final class TestTokens {

  /** DER PKCS#8 prefix of an Ed25519 private key, before the 32 seed bytes. */
  private static final byte[] ED25519_PKCS8_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private TestTokens() {}

  /** Claims valid around {@code now}: sub alice, exp now + 10 min, scope "a b". */
  static JWTClaimsSet.Builder claims(Instant now) {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(600)))
        .claim("scope", "a b");
  }

  /** Signs with the algorithm that fits {@code key} (RS256, ES256 or EdDSA), naming its kid. */
  static String sign(JWK key, JWTClaimsSet claims) {
    JWSAlgorithm alg =
        key instanceof RSAKey
            ? JWSAlgorithm.RS256
            : key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.EdDSA;
    return sign(key, new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
  }

  static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
    if (key instanceof OctetKeyPair okp) {
      return signEd25519(okp, header, claims);
    }
    try {
      JWSSigner signer =
          key instanceof RSAKey rsa
              ? new RSASSASigner(rsa.toPrivateKey(), Set.of(AllowWeakRSAKey.getInstance()))
              : new ECDSASigner((ECKey) key);
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HS256 keyed with {@code secret}: the classic confusion attack when secret is a public key. */
  static String signHs256(byte[] secret, String kid, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token assembled from raw JSON texts and signature bytes. */
  static String raw(String headerJson, String payloadJson, byte[] signature) {
    return b64(headerJson) + "." + b64(payloadJson) + "." + Base64URL.encode(signature);
  }

  static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String signEd25519(OctetKeyPair key, JWSHeader header, JWTClaimsSet claims) {
    String signingInput = header.toBase64URL() + "." + b64(claims.toString());
    try {
      byte[] seed = key.getDecodedD();
      byte[] pkcs8 = new byte[ED25519_PKCS8_PREFIX.length + seed.length];
      System.arraycopy(ED25519_PKCS8_PREFIX, 0, pkcs8, 0, ED25519_PKCS8_PREFIX.length);
      System.arraycopy(seed, 0, pkcs8, ED25519_PKCS8_PREFIX.length, seed.length);
      PrivateKey privateKey =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(privateKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64URL.encode(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
