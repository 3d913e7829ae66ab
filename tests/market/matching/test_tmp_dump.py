from market.matching.runs import start_run

def test_dump(small_market, people, client, login):
    start_run(people["coordinator"])
    run = start_run(people["coordinator"])
    login(people["coordinator"])
    open("/tmp/detail.html", "w").write(client.get(f"/matching/runs/{run.id}").get_data(as_text=True))
    open("/tmp/runs.html", "w").write(client.post("/matching/preview").get_data(as_text=True))
