package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmPoolSizingTest {

    @Test
    void refillsRunOnOneThreadPerWarmContainerUpToMaxConcurrent() {
        SandboxSettings.Builder b = SandboxSettings.builder().maxConcurrent(4);
        assertThat(DockerSandboxRuntime.backgroundThreads(b.warmPool(0).build())).isEqualTo(1);
        assertThat(DockerSandboxRuntime.backgroundThreads(b.warmPool(2).build())).isEqualTo(2);
        assertThat(DockerSandboxRuntime.backgroundThreads(b.warmPool(16).build())).isEqualTo(4);
    }
}
