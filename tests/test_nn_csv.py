"""nn.datasets.load_csv and check_labels: your own table, read as text by the csv module, and every
way a file can be wrong named with the file, the line and the column."""

import numpy as np
import pytest

from nn import datasets
from nn.datasets import MAX_ROWS, check_labels, csv_columns, load_csv


def write(tmp_path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_reads_the_feature_columns_and_the_target(tmp_path):
    path = write(tmp_path, "x1,x2,label\n1,2.5,0\n-3e-1, 4 ,1\n\n5,6,1\n")  # spaces and a blank line
    X, y = load_csv(path, "label")
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.tolist() == [[1.0, 2.5], [-0.3, 4.0], [5.0, 6.0]] and y.tolist() == [0.0, 1.0, 1.0]
    assert csv_columns(path) == ["x1", "x2", "label"]


def test_columns_pick_and_order_the_inputs_and_other_columns_may_hold_text(tmp_path):
    path = write(tmp_path, "name,b,target,a\nann,1,0.5,2\nbob,3,1.5,4\n")
    X, y = load_csv(path, "target", columns=["a", "b"])
    assert X.tolist() == [[2.0, 1.0], [4.0, 3.0]] and y.tolist() == [0.5, 1.5]
    X, _ = load_csv(path, "target", columns=["b"])
    assert X.shape == (2, 1)


def test_the_target_may_come_first_and_a_spreadsheets_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffy,x\r\n1,2\r\n0,3\r\n".encode())
    X, y = load_csv(str(path), "y")
    assert X.tolist() == [[2.0], [3.0]] and y.tolist() == [1.0, 0.0]


def test_quoted_cells_are_csv_not_python(tmp_path):
    path = write(tmp_path, 'x,"y"\n"1","2"\n"__import__(\'os\')",3\n')
    with pytest.raises(ValueError, match=r"line 3, column 'x': \"__import__\('os'\)\" is not a number"):
        load_csv(path, "y")


@pytest.mark.parametrize(
    "text, args, words",
    [
        ("", ("y",), "data.csv: the file is empty; a CSV table needs a header row"),
        ("\n\n", ("y",), "the file is empty"),
        ("1,2,0\n3,4,1\n", ("y",), r"the first row is numbers \(1, 2, 0\), not a header: add a first row"),
        ("x1,x2,y\n", ("y",), r"a header \(x1, x2, y\) but no rows of numbers under it"),
        ("x1;x2;y\n1;2;0\n", ("y",), "one column with semicolons in it: save the table with commas"),
        ("x1,x2,label\n1,2,0\n", ("lable",),
         r"target 'lable' is not a column \(did you mean 'label'\?\); the header names: 'x1', 'x2', 'label'"),
        ("x1,x2,label\n1,2,0\n", ("Label",), r"did you mean 'label'\?"),
        ("x1,x2,y\n1,2,0\n", ("y", ["x1", "x3"]),
         "column 'x3' is not a column; the header names: 'x1', 'x2', 'y'"),
        ("x1,x2,y\n1,2,0\n", ("y", ["x1", "y"]), "the target 'y' is also in columns"),
        ("x1,x2,y\n1,2,0\n", ("y", ["x1", "x1"]), "columns names a column twice"),
        ("x,x,y\n1,2,0\n", ("y", ["x"]), "the header names 'x' twice"),
        ("a,b,c,y\n1,2,3,0\n", ("y",),
         r"3 columns besides the target 'y' \('a', 'b', 'c'\); the inputs are one or two columns .*"
         r"pick them with columns=\['a', 'b'\]"),
        ("y\n1\n", ("y",), r"holds the target 'y' and nothing else: it needs one or two input columns"),
        ("x1,,y\n1,2,0\n", ("y",), "column 2 of the header has no name"),
        ("x1,x2,y\n1,2,0\n3,4\n", ("y",), "data.csv, line 3: 2 cells, but the header names 3 columns"),
        ("x1,x2,y\n1,2,0\n3,4,1,5\n", ("y",), "line 3: 4 cells"),
        ("x1,x2,y\n1,2,0\n\n3,abc,1\n", ("y",), "data.csv, line 4, column 'x2': 'abc' is not a number"),
        ('x1,x2,y\n"1,5",2,0\n', ("y",), r"'1,5' is not a number \(a decimal comma\? write 1.5, not 1,5\)"),
        ("x1,x2,y\n1,,0\n", ("y",), "line 2, column 'x2': the cell is empty"),
        ("x1,x2,y\n1,nan,0\n", ("y",), "line 2, column 'x2': 'nan' is not a finite number"),
        ("x1,x2,y\n1,2,-inf\n", ("y",), "column 'y': '-inf' is not a finite number"),
        ("x1,x2,y\n1,2,1e999\n", ("y",), "'1e999' is not a finite number"),
        ('x1,x2,y\n1,2,"0\n', ("y",), "not a CSV table"),  # a quote never closed
    ],
)  # fmt: skip
def test_what_is_wrong_names_the_file_the_line_and_the_column(tmp_path, text, args, words):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=words) as caught:
        load_csv(path, *args)
    assert path in str(caught.value)


def test_a_missing_file_a_folder_and_a_binary_file(tmp_path):
    write(tmp_path, "x,y\n1,0\n", "points.csv")
    with pytest.raises(
        ValueError, match=r"pionts.csv: no such file \(looked in .*\); did you mean .*points.csv\?"
    ):
        load_csv(str(tmp_path / "pionts.csv"), "y")
    with pytest.raises(ValueError, match="that is a folder; give the CSV file inside it"):
        load_csv(str(tmp_path), "y")
    (tmp_path / "model.bin").write_bytes(b"x,y\n\xff\xfe\x00\x81,1\n")
    with pytest.raises(ValueError, match=r"model.bin: not a text file \(UTF-8\)"):
        load_csv(str(tmp_path / "model.bin"), "y")


def test_too_many_rows_are_refused_at_the_first_row_past_the_limit_with_an_estimate(tmp_path):
    rows = 5_000
    path = write(tmp_path, "x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(rows)))
    X, _ = load_csv(path, "y", max_rows=rows)  # exactly the limit is fine
    assert len(X) == rows
    with pytest.raises(
        ValueError, match=r"more than 1,000 rows \(about [\d,]+ by its size\), the limit"
    ) as e:
        load_csv(path, "y", max_rows=1_000)
    about = int(str(e.value).split("about ")[1].split(" ")[0].replace(",", ""))
    assert 4_000 <= about <= 7_000  # the file's 5,000 rows, guessed from the bytes the first 1,000 took
    assert MAX_ROWS == 100_000 and "max_rows=1,000" in str(e.value)


def test_bad_arguments_are_refused_before_reading(tmp_path):
    path = write(tmp_path, "x,y\n1,0\n")
    with pytest.raises(TypeError, match="columns takes a list of names"):
        load_csv(path, "y", columns="x")
    with pytest.raises(TypeError, match="target must be a column name"):
        load_csv(path, 1)
    with pytest.raises(ValueError, match="max_rows must be a whole number >= 1"):
        load_csv(path, "y", max_rows=0)


@pytest.mark.parametrize(
    "y, expected",
    [([0, 1, 1, 0], [0, 1, 1, 0]), ([0.0, 2.0, 1.0], [0, 2, 1]), ([-1, 1, 1], [0, 1, 1])],
)
def test_check_labels_gives_class_indices(y, expected):
    got = check_labels(np.array(y, dtype=float))
    assert got.dtype.kind == "i" and got.tolist() == expected


@pytest.mark.parametrize(
    "y, words",
    [
        ([1, 1, 1], r"only one class \(1\) in column 'label': nothing to separate"),
        (
            [0, 0.5, 1],
            r"not whole \(such as 0.5\), so not class labels: for a number to predict, use a regression",
        ),
        ([1, 2, 3], "holds the labels 1, 2, 3: classes are numbered 0..K-1 .* renumber them"),
        ([0, 2], "holds the labels 0, 2: classes are numbered 0..K-1"),
        ([-2, 0, 1], "holds the labels -2, 0, 1"),
        ([], "holds no labels"),
    ],
)
def test_check_labels_says_why_a_column_is_no_set_of_classes(y, words):
    with pytest.raises(ValueError, match=words):
        check_labels(np.array(y, dtype=float), "column 'label'")


def test_a_table_trains_like_the_arrays_it_holds(tmp_path):
    import nn

    X, y = datasets.gaussians(n=60, seed=0)
    rows = "".join(f"{float(a)!r},{float(b)!r},{c}\n" for (a, b), c in zip(X, y))
    path = write(tmp_path, "x1,x2,label\n" + rows)
    Xc, yc = load_csv(path, "label")
    assert np.array_equal(Xc, X) and np.array_equal(check_labels(yc), y)  # repr round-trips floats
    model = nn.MLP(2, [1], activation="linear", seed=0)
    nn.fit(model, Xc, check_labels(yc), epochs=30, progress=False, seed=0)
    assert nn.accuracy(model, X, y) > 0.95


def test_three_columns_picked_by_name_are_refused_as_such(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c,y\n1,2,3,0\n4,5,6,1\n")
    with pytest.raises(ValueError, match=r"pick one or two input columns .*; got 3: 'a', 'b', 'c'"):
        load_csv(path, "y", columns=["a", "b", "c"])
