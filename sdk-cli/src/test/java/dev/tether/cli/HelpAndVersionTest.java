package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.internal.TlsVersionOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code tether --help} lists whole sentences, descriptions wrap at the width, TLS options come from one mixin. */
class HelpAndVersionTest {

    @Test
    void everyCommandSummaryIsAWholeSentenceAndShownWhole() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        String flat = r.out().replaceAll("\\s+", " ");
        Map<String, CommandLine> subcommands = TetherCli.commandLine().getSubcommands();
        assertThat(subcommands).containsKeys("certs", "serve", "probe", "bench", "demo");
        subcommands.forEach((name, cl) -> {
            if (name.equals("help")) {
                return;
            }
            String summary = cl.getCommandSpec().usageMessage().description()[0];
            assertThat(summary).as(name).endsWith(".");
            assertThat(flat).as(name).contains(summary);
            cl.getSubcommands().forEach((sub, c) -> assertThat(c.getCommandSpec().usageMessage().description()[0])
                    .as(name + " " + sub).endsWith("."));
        });
    }

    @Test
    void descriptionsWrapAtTheWidthInsteadOfAtHardLineBreaks() {
        for (String command : new String[] {"bench", "probe", "serve", "demo"}) {
            String narrow = usage(command, 60);
            String wide = usage(command, 140);
            assertThat(narrow.lines()).as(command).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(60));
            assertThat(wide.lines().count()).as(command + ": wider means fewer lines")
                    .isLessThan(narrow.lines().count());
            assertThat(wide.lines().filter(l -> l.length() > 100).count()).as(command).isPositive();
        }
    }

    @Test
    void theTlsVersionOptionsAreOneMixinSharedByEveryTlsCommand() {
        Map<String, CommandLine> subcommands = TetherCli.commandLine().getSubcommands();
        for (String command : new String[] {"bench", "probe", "serve"}) {
            for (String option : new String[] {"--tls1.2", "--tls1.3"}) {
                OptionSpec spec = subcommands.get(command).getCommandSpec().findOption(option);
                assertThat(spec).as(command + " " + option).isNotNull();
                assertThat(((Field) spec.userObject()).getDeclaringClass()).isEqualTo(TlsVersionOptions.class);
            }
        }
    }

    @Test
    void versionNamesTheTlsProvider() {
        Cli.Result r = Cli.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("tether ").contains("Java ").containsPattern("TLS provider \\S+ \\S+; Tether enables TLSv1.3, TLSv1.2");
    }

    private static String usage(String command, int width) {
        CommandLine cl = TetherCli.commandLine().getSubcommands().get(command);
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(width);
        StringWriter out = new StringWriter();
        cl.usage(new PrintWriter(out, true));
        return out.toString();
    }
}
