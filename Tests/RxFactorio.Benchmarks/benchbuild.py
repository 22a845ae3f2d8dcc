"""What the benchmark scripts share: the repository, and the Release builds of the CLI and the local fake W&B."""

import os
import subprocess

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def build(project):
    """Builds one project of the repository in Release, quietly."""
    subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "quiet", project], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)


def cli_and_fake():
    """The paths of rxfactorio.dll and the fake W&B's dll, built in Release.

    RXF_CLI_DIR may point at another build of the CLI (an older commit's bin/Release/net10.0) to
    measure "before" with the same script; then the CLI is not built.
    """
    cli_dir = os.environ.get("RXF_CLI_DIR")
    if not cli_dir:
        build("Source/RxFactorio.Cli/RxFactorio.Cli.csproj")
        cli_dir = os.path.join(REPO, "Source", "RxFactorio.Cli", "bin", "Release", "net10.0")
    build("Tests/RxFactorio.FakeWandb/RxFactorio.FakeWandb.csproj")
    fake = os.path.join(REPO, "Tests", "RxFactorio.FakeWandb", "bin", "Release", "net10.0", "RxFactorio.FakeWandb.dll")
    return os.path.join(cli_dir, "rxfactorio.dll"), fake
