package io.github.slabbin.tools;

import io.github.slabbin.tools.bench.BenchReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code slabbin} command line: {@code demo} and the other tools as subcommands. Run it as
 * {@code java -jar target/slabbin-cli.jar <command> [options]}, or through {@code scripts/}.
 */
@Command(name = "slabbin", mixinStandardHelpOptions = true, version = "slabbin 0.1.0",
        description = "Tools of the slabbin slab allocator.",
        subcommands = {ReplayCommand.class, LinkedListDemo.class, BenchReportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a command");
    }
}
