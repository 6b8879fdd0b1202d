package dev.tether.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.core.testing.ScriptedPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Error messages quote what the server sent, shortened for the summary. A reply with a character outside the
 * Basic Multilingual Plane (an emoji: two UTF-16 chars) right where the quote is cut must not leave half of
 * it behind: a lone surrogate cannot be encoded, and writing the HTML report failed on it.
 */
class ReportWithNonAsciiRepliesTest {
    @TempDir
    Path dir;

    @Test
    void aWrongReplyWithAnEmojiAtTheCutStillGivesAReport() throws Exception {
        // The quote keeps 80 chars of the reply: chars 79 and 80 (0-based) are the emoji's two halves.
        String reply = "x".repeat(79) + "\uD83D\uDE00 and more";
        try (ScriptedPeer liar = ScriptedPeer.start(ScriptedPeer.script()
                .read(Workload.text(16).length() + 1).send(reply + "\n").awaitEof())) {
            Path html = dir.resolve("liar.html");
            Path json = dir.resolve("liar.json");
            Cli.Result r = Cli.run("bench", liar.endpoint().toString(), "-n", "1", "-c", "1", "--payload", "16",
                    "--json", json.toString(), "--report", html.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).doesNotContain("Input length");
            assertThat(html).exists();
            String page = Files.readString(html, StandardCharsets.UTF_8);
            assertThat(page).contains("UnexpectedReply").contains("x".repeat(79) + "...");
            assertThat(page.chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
        }
    }
}
