from assistant.cli.main import app

app(prog_name="policy-assistant")
