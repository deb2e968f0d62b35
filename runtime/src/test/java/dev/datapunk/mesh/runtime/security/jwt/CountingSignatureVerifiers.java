package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The real verifiers, each signature check counted. */
final class CountingSignatureVerifiers implements SignatureVerifiers {

  final AtomicInteger signatureChecks = new AtomicInteger();

  @Override
  public Optional<JWSVerifier> forKey(JWK key) throws JOSEException {
    return DefaultSignatureVerifiers.INSTANCE.forKey(key).map(Counting::new);
  }

  private final class Counting implements JWSVerifier {
    private final JWSVerifier delegate;

    Counting(JWSVerifier delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
        throws JOSEException {
      signatureChecks.incrementAndGet();
      return delegate.verify(header, signingInput, signature);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return delegate.supportedJWSAlgorithms();
    }

    @Override
    public JCAContext getJCAContext() {
      return delegate.getJCAContext();
    }
  }
}
