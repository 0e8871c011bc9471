"""A real LSP client (pytest-lsp) driving the built `wtc lsp` over stdio.

Run by tests/it/lsp_client.rs with WTC_BIN (the binary) and WTC_REGISTRY (the examples'
registry document) set.
"""

import asyncio
import os
import pathlib

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

WTC = os.environ["WTC_BIN"]
REGISTRY = os.environ["WTC_REGISTRY"]
SPEC_PATH = pathlib.Path(os.environ.get("WTC_SPEC_DIR", "/tmp")) / "spec.yaml"
URI = SPEC_PATH.as_uri()

SPEC = """\
id: demo
requirements:
  - name: wtc-example-tasks
    version: ">=0.1"
workflow:
  - id: numbers
    task: make_range
    partial:
      bounds: [1, 5]
  - id: tripled
    task: multipy
    partial:
      values: ${{ workflow.numbers.return }}
"""


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[WTC, "lsp", "--registry", REGISTRY]),
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities())
    )
    yield
    await lsp_client.shutdown_session()


async def settled(client: LanguageClient, want) -> list:
    """The pushed diagnostics once `want` accepts them (the registry loads in the
    background, so the first push may come before it)."""
    for _ in range(60):
        diags = client.diagnostics.get(URI)
        if diags is not None and want(diags):
            return diags
        try:
            await asyncio.wait_for(
                client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 1
            )
        except TimeoutError:
            pass
    raise AssertionError(f"diagnostics never settled: {client.diagnostics.get(URI)}")


def at(text: str, needle: str, plus: int) -> types.Position:
    i = text.index(needle) + plus
    line = text[:i].count("\n")
    col = len(text[:i].rsplit("\n", 1)[-1].encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def doc() -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=URI)


async def test_session(client: LanguageClient):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="yaml", version=1, text=SPEC
            )
        )
    )
    diags = await settled(client, lambda d: any(x.code == "unknown-task" for x in d))
    unknown = next(d for d in diags if d.code == "unknown-task")
    assert unknown.range.start == types.Position(line=10, character=10)
    assert "did you mean `multiply`?" in unknown.message

    fixed = SPEC.replace("multipy", "multiply").replace("values:", "value:")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await settled(client, lambda d: len(d) == 0)

    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=doc(), position=at(fixed, "task: multiply", 9)
        )
    )
    labels = [i.label for i in completion]
    assert "multiply" in labels and "make_range" in labels

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(), position=at(fixed, "multiply", 2))
    )
    assert "multiply(value: integer" in hover.contents.value

    definition = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=doc(), position=at(fixed, "workflow.numbers", 11)
        )
    )
    assert definition.range.start == types.Position(line=5, character=8)

    rename = await client.text_document_rename_async(
        types.RenameParams(
            text_document=doc(),
            position=at(fixed, "id: numbers", 5),
            new_name="counts",
        )
    )
    edits = rename.changes[URI]
    assert sorted((e.range.start.line, e.new_text) for e in edits) == [
        (5, "counts"),
        (12, "counts"),
    ]
