package io.exora.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Builds the cached, rate limited source of public keys published at a JWKS URL. */
final class RemoteJwks {

    /** nimbus' default of 500 ms is tight for a JWKS served by a remote Supabase project. */
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int READ_TIMEOUT_MS = 2_000;
    private static final int SIZE_LIMIT_BYTES = 50 * 1024;

    private RemoteJwks() {
    }

    /**
     * The keys are fetched on first use and cached for five minutes, refreshed ahead of expiry in
     * the background, and refetched at most twice per 30 s when a token names an unknown
     * {@code kid} (so a rotated key is picked up, but forged kids cannot flood the issuer). A failed
     * fetch is retried once, and during an outage the last good key set keeps being served.
     */
    static JWKSource<SecurityContext> create(URI jwksUrl) {
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES);
        return JWKSourceBuilder.<SecurityContext>create(toUrl(jwksUrl), retriever)
                .refreshAheadCache(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME, null,
                        daemonRefresher(), true, null, false)
                .retrying(true)
                .outageTolerant(true)
                .build();
    }

    private static URL toUrl(URI jwksUrl) {
        String scheme = jwksUrl.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("the JWKS URL must be an http(s) URL: " + jwksUrl);
        }
        try {
            return jwksUrl.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid JWKS URL: " + jwksUrl, e);
        }
    }

    /** nimbus' default refresher thread is not a daemon and would keep the JVM from exiting. */
    private static ExecutorService daemonRefresher() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "exora-jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }
}
