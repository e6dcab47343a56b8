package dev.sentryagent.idp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.junit.jupiter.api.Test;

/** The statuses and codes of {@link ContractErrorHandler}, for failures a socket test cannot cheaply cause. */
class ContractErrorHandlerTest {
    @Test
    void whenJettyFailsWithAnHttpExceptionThenItsStatus() {
        assertThat(ContractErrorHandler.status(500, new BadMessageException(431))).isEqualTo(431);
    }

    @Test
    void whenTheConnectionIdledOutWhileTheBodyWasReadThen408Not500() {
        assertThat(ContractErrorHandler.status(500, new TimeoutException("Idle timeout expired: 30000/30000 ms")))
                .isEqualTo(408);
        assertThat(ContractErrorHandler.status(500, new UncheckedIOException(new java.io.IOException(
                new TimeoutException())))).isEqualTo(408);
    }

    @Test
    void whenAnyOtherFailureThenTheStatusJettySet() {
        assertThat(ContractErrorHandler.status(404, null)).isEqualTo(404);
        assertThat(ContractErrorHandler.status(0, new IllegalStateException())).isEqualTo(500);
    }

    @Test
    void whenStatusThenTheContractsErrorCode() {
        assertThat(ContractErrorHandler.error(400)).isEqualTo("invalid_request");
        assertThat(ContractErrorHandler.error(413)).isEqualTo("invalid_request");
        assertThat(ContractErrorHandler.error(414)).isEqualTo("invalid_request");
        assertThat(ContractErrorHandler.error(431)).isEqualTo("invalid_request");
        assertThat(ContractErrorHandler.error(505)).isEqualTo("invalid_request");
        assertThat(ContractErrorHandler.error(404)).isEqualTo("not_found");
        assertThat(ContractErrorHandler.error(405)).isEqualTo("method_not_allowed");
        assertThat(ContractErrorHandler.error(500)).isEqualTo("server_error");
        assertThat(ContractErrorHandler.error(503)).isEqualTo("temporarily_unavailable");
    }
}
