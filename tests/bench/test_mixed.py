from bench.mixed import summary


def answer(t, path, how, ms=5.0, status=200):
    return (t, path, ms, how, status)


def test_the_mixed_day_counts_renders_per_key_between_corrections():
    answers = [
        answer(1, "/", "hit"), answer(2, "/", "hit"),
        # correction at 10: "/" rendered once, the other readers got the previous copy
        answer(10.1, "/", "miss"), answer(10.2, "/", "stale"), answer(10.3, "/articles/1/", "miss"),
        # correction at 20: "/" rendered twice, a stampede the report must show
        answer(20.1, "/", "miss"), answer(20.2, "/", "miss"), answer(20.3, "/", "hit", ms=50),
    ]
    result = summary(answers, [(10, 1), (20, 1)])

    assert result["renders_per_key_max"] == 2
    assert result["keys_rendered_after_corrections"] == 3
    assert result["served_without_render"] == 4 / 8
    assert (result["hit"], result["stale"], result["miss"]) == (3, 1, 4)
    assert result["p99"] == 50
