# Copyright (c) hih_mmpose contributors. All rights reserved.
"""demo/face_demo.py on a folder and a short video, as a user runs it."""
import json
import os.path as osp
import shutil
import struct
import subprocess
import sys

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)


def run_demo(source: str, tiny_hih, *options) -> subprocess.CompletedProcess:
    config, checkpoint = tiny_hih
    return subprocess.run(
        [sys.executable, 'demo/face_demo.py', source, '--config', config,
         '--checkpoint', checkpoint, *options],
        cwd=REPO, capture_output=True, text=True, timeout=300)


def test_folder_with_a_bad_file(tiny_hih, tmp_path):
    folder = tmp_path / 'photos'
    folder.mkdir()
    shutil.copy(PHOTO, folder / 'a.jpg')
    cv2.imwrite(str(folder / 'b.png'), np.full((120, 160), 90, np.uint8))
    (folder / 'c.jpg').write_text('not an image')
    # the photo upside down: found in a turned copy, cropped upright
    cv2.imwrite(str(folder / 'd.png'), cv2.imread(PHOTO)[::-1, ::-1])
    out = tmp_path / 'out'
    result = run_demo(str(folder), tiny_hih, '--out-dir', str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'skipping image c.jpg' in result.stdout + result.stderr
    with open(out / 'photos_predictions.json') as f:
        predictions = json.load(f)
    assert set(predictions) == {'a.jpg', 'b.png', 'd.png'}
    assert len(predictions['a.jpg']) == 1  # the face in the photo
    assert len(predictions['a.jpg'][0]['keypoints']) == 98
    assert predictions['a.jpg'][0]['bbox_angle'] == 0  # below min_roll
    # (found in a turned copy; the one-epoch model's orientation check
    # picks any of the four turns, so the angle is not checked here)
    assert len(predictions['d.png']) == 1
    assert 'bbox_angle' in predictions['d.png'][0]
    assert predictions['b.png'] == []  # no face, documented empty result
    assert (out / 'a.jpg').is_file() and (out / 'b.png').is_file()


@pytest.mark.parametrize('smoothing', [['--smooth', '0.5'],
                                       ['--one-euro', '1.0', '0.1'],
                                       ['--no-tracking']])
def test_video_with_smoothing(tiny_hih, tmp_path, smoothing):
    photo = cv2.imread(PHOTO)
    video = str(tmp_path / 'clip.avi')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'MJPG'), 10,
                             photo.shape[1::-1])
    for shift in range(4):
        writer.write(np.roll(photo, 2 * shift, axis=1))
    writer.release()
    out = tmp_path / 'out'
    result = run_demo(video, tiny_hih, '--out-dir', str(out), *smoothing)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(out / 'clip_predictions.json') as f:
        predictions = json.load(f)
    assert len(predictions) == 4
    assert all(len(faces) == 1 for faces in predictions.values())
    # tracking mode: one face, one id over the frames
    ids = {faces[0].get('track_id') for faces in predictions.values()}
    assert ids == ({None} if '--no-tracking' in smoothing else {0})
    assert (out / 'clip_landmarks.mp4').stat().st_size > 0
    missing = run_demo(str(tmp_path / 'none.mp4'), tiny_hih)
    assert missing.returncode != 0
    assert 'cannot open video or webcam' in missing.stderr


def test_video_that_ends_early(tiny_hih, tmp_path):
    """A video whose header announces more frames than it holds: the frames
    read are kept, a warning says how many, the exit status is 0."""
    photo = cv2.resize(cv2.imread(PHOTO), (256, 300))
    video = tmp_path / 'short.avi'
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'MJPG'), 10,
                             photo.shape[1::-1])
    for _ in range(3):
        writer.write(photo)
    writer.release()
    data = bytearray(video.read_bytes())
    # AVI main header (dwTotalFrames) and stream header (dwLength): 3 -> 5
    for tag, offset in ((b'avih', 8 + 16), (b'strh', 8 + 32)):
        position = data.find(tag) + offset
        assert struct.unpack('<I', data[position:position + 4]) == (3, )
        data[position:position + 4] = struct.pack('<I', 5)
    video.write_bytes(bytes(data))
    out = tmp_path / 'out'
    result = run_demo(str(video), tiny_hih, '--out-dir', str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'the video ended after 3 of the 5 frames' in result.stderr
    with open(out / 'short_predictions.json') as f:
        assert len(json.load(f)) == 3


def test_out_dir_never_replaces_the_inputs(tiny_hih, tmp_path):
    folder = tmp_path / 'photos'
    folder.mkdir()
    shutil.copy(PHOTO, folder / 'a.jpg')
    before = (folder / 'a.jpg').read_bytes()
    for source in (str(folder), str(folder / 'a.jpg')):
        result = run_demo(source, tiny_hih, '--out-dir', str(folder))
        assert result.returncode != 0
        assert 'would replace them' in result.stderr
    assert (folder / 'a.jpg').read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ['a.jpg']


def test_checkpoint_is_required(tiny_hih):
    config, _ = tiny_hih
    result = subprocess.run(
        [sys.executable, 'demo/face_demo.py', PHOTO, '--config', config],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and '--checkpoint' in result.stderr


def test_interrupted_run_keeps_its_predictions(tiny_hih, tmp_path,
                                               monkeypatch, face_demo):
    """Ctrl-C after two frames: predictions.json holds those two."""
    demo = face_demo
    image = cv2.imread(PHOTO)

    def frames(source, max_pixels=None, skipped=None):
        def stream():
            yield 'a.jpg', image
            yield 'b.jpg', image
            raise KeyboardInterrupt

        return stream(), 5, None

    config, checkpoint = tiny_hih
    out = tmp_path / 'out'
    monkeypatch.setattr(demo, 'frames', frames)
    monkeypatch.setattr(sys, 'argv', [
        'face_demo.py', 'photos', '--config', config, '--checkpoint',
        checkpoint, '--out-dir', str(out), '--detector', 'whole_image'
    ])
    demo.main()
    predictions = json.loads((out / 'photos_predictions.json').read_text())
    assert sorted(predictions) == ['a.jpg', 'b.jpg']


def test_sigterm_keeps_the_predictions_too(tiny_hih, tmp_path):
    """SIGTERM (what timeout, kill and job schedulers send) in the middle of
    a folder: as with Ctrl-C, predictions.json holds the images done (it
    used to leave drawings and no JSON). The demo runs in its own process
    (a signal to the test process would reach every library loaded there)."""
    import signal
    import time
    folder = tmp_path / 'photos'
    folder.mkdir()
    for index in range(400):
        cv2.imwrite(str(folder / f'{index:03d}.png'),
                    np.full((64, 64, 3), index % 250, np.uint8))
    out = tmp_path / 'out'
    config, checkpoint = tiny_hih
    process = subprocess.Popen(
        [sys.executable, 'demo/face_demo.py', str(folder), '--config',
         config, '--checkpoint', checkpoint, '--out-dir', str(out),
         '--detector', 'whole_image'], cwd=REPO, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while not (out / '002.png').exists():
        assert process.poll() is None and time.time() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    predictions = json.loads((out / 'photos_predictions.json').read_text())
    assert 3 <= len(predictions) < 400, stderr[-2000:]
    assert 'interrupted' in stderr


def test_hard_links_and_inputs_inside_the_out_dir(tiny_hih, tmp_path):
    """With --overwrite, an output name that is a hard link to a file
    elsewhere gets a new file (the other name keeps its content); an
    --out-dir inside the input folder whose outputs would replace an input
    image is refused before any work."""
    import os
    out = tmp_path / 'out'
    out.mkdir()
    keep = tmp_path / 'keep.json'
    keep.write_text('keep me')
    os.link(keep, out / 'grace_hopper_predictions.json')
    result = run_demo(PHOTO, tiny_hih, '--out-dir', str(out), '--overwrite',
                      '--detector', 'whole_image')
    assert result.returncode == 0, result.stderr[-3000:]
    assert keep.read_text() == 'keep me'
    assert 'a hard link' in result.stderr
    json.loads((out / 'grace_hopper_predictions.json').read_text())
    photos = tmp_path / 'photos'
    (photos / 'sub').mkdir(parents=True)
    shutil.copy(PHOTO, photos / 'a.jpg')
    shutil.copy(PHOTO, photos / 'sub' / 'a.jpg')
    before = (photos / 'sub' / 'a.jpg').read_bytes()
    result = run_demo(str(photos), tiny_hih, '--out-dir',
                      str(photos / 'sub'), '--overwrite', '--detector',
                      'whole_image')
    assert result.returncode != 0
    assert 'would write over the input' in result.stderr
    assert (photos / 'sub' / 'a.jpg').read_bytes() == before


def test_out_dir_never_replaces_an_input_video(tmp_path, face_demo):
    """Outputs are named after the input with a suffix, so a video in
    --out-dir, even one named like an earlier output, is never among the
    files a run writes."""
    demo = face_demo
    for name in ('clip.mp4', 'clip_landmarks.mp4', 'clip_predictions.json'):
        video = str(tmp_path / name)
        assert video not in [
            str(tmp_path / name) for name in demo.output_files(video)
        ]
        demo.check_out_dir(video, str(tmp_path))


def test_smoothing_options(face_demo):
    """--smooth / --one-euro make one face-aligned filter per track."""
    demo = face_demo
    assert demo.smoothing(0., None) is None
    make = demo.smoothing(0., (1.0, 0.1))
    assert make() is not make()  # a filter per track
    assert type(make().inner).__name__ == 'OneEuroFilter'
    assert type(demo.smoothing(0.5, None)().inner).__name__ == 'EMAFilter'
    with pytest.raises(ValueError, match='not both'):
        demo.smoothing(0.5, (1.0, 0.))
    with pytest.raises(ValueError, match=r'\[0, 1\)'):
        demo.smoothing(1.5, None)
    with pytest.raises(ValueError, match='min_cutoff'):
        demo.smoothing(0., (0., 0.1))


def test_second_run_never_replaces_the_first(tiny_hih, tmp_path):
    """Two videos into one --out-dir keep both results (outputs are named
    after the input); the same input again is refused without
    --overwrite, and nothing of the first run changes."""
    photo = cv2.resize(cv2.imread(PHOTO), (256, 300))
    for name in ('a', 'b'):
        writer = cv2.VideoWriter(str(tmp_path / f'{name}.avi'),
                                 cv2.VideoWriter_fourcc(*'MJPG'), 10,
                                 photo.shape[1::-1])
        for _ in range(2):
            writer.write(photo)
        writer.release()
    out = tmp_path / 'out'
    for name in ('a', 'b'):
        result = run_demo(str(tmp_path / f'{name}.avi'), tiny_hih,
                          '--out-dir', str(out), '--detector', 'whole_image')
        assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == [
        'a_coco.json', 'a_landmarks.mp4', 'a_predictions.json',
        'b_coco.json', 'b_landmarks.mp4', 'b_predictions.json'
    ]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run_demo(str(tmp_path / 'a.avi'), tiny_hih, '--out-dir',
                     str(out), '--detector', 'whole_image')
    assert again.returncode != 0
    assert 'output file(s) of an earlier run exist' in again.stderr
    assert '--overwrite' in again.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    forced = run_demo(str(tmp_path / 'a.avi'), tiny_hih, '--out-dir',
                      str(out), '--detector', 'whole_image', '--overwrite')
    assert forced.returncode == 0, forced.stderr[-3000:]


def test_image_without_extension_and_upper_case(tiny_hih, tmp_path):
    """An image is recognised by its header when its name has no (known)
    extension, and upper-case extensions are images too."""
    shutil.copy(PHOTO, tmp_path / 'photo')
    shutil.copy(PHOTO, tmp_path / 'PHOTO.JPG')
    for name in ('photo', 'PHOTO.JPG'):
        out = tmp_path / f'out_{name}'
        result = run_demo(str(tmp_path / name), tiny_hih, '--out-dir',
                          str(out), '--detector', 'whole_image')
        assert result.returncode == 0, result.stderr[-3000:]
        stem = name.split('.')[0]
        predictions = json.loads(
            (out / f'{stem}_predictions.json').read_text())
        assert len(predictions[name]) == 1
        drawn = name if name.endswith('.JPG') else name + '.png'
        assert (out / drawn).is_file()


def test_numeric_options_are_checked(tiny_hih):
    result = run_demo(PHOTO, tiny_hih, '--kpt-thr', 'nan')
    assert result.returncode != 0
    assert '--kpt-thr must be finite, got nan' in result.stderr
    result = run_demo(PHOTO, tiny_hih, '--precision', 'bf16')
    assert result.returncode != 0
    assert '--backend / --precision choose how an exported' in result.stderr


def test_exported_model(exported_tiny_hih, tmp_path):
    """--model runs an exported model (here OpenVINO or ONNX Runtime with
    precision auto: bf16 on CPUs with native bfloat16), the choice printed,
    its landmarks in the JSON."""
    config, checkpoint, model = exported_tiny_hih
    out = tmp_path / 'out'
    result = subprocess.run(
        [sys.executable, 'demo/face_demo.py', PHOTO, '--model', model,
         '--precision', 'auto', '--out-dir', str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'landmarker: ' in result.stderr
    predictions = json.loads(
        (out / 'grace_hopper_predictions.json').read_text())
    (face, ) = predictions['grace_hopper.jpg']
    assert len(face['keypoints']) == 98
    both = subprocess.run(
        [sys.executable, 'demo/face_demo.py', PHOTO, '--model', model,
         '--checkpoint', checkpoint], cwd=REPO, capture_output=True,
        text=True, timeout=300)
    assert both.returncode != 0 and 'one of them' in both.stderr


def test_a_video_header_with_an_absurd_frame_rate(face_demo, capsys):
    """A header saying 1e-6 frames per second is named and replaced by 25
    before the model loads (it used to stop the run after the model loaded,
    without naming the video); --fps overrides it and is checked."""

    class Header:
        def get(self, _):
            return 1e-6

    assert face_demo.video_fps('clip.mp4', Header(), None) == 25.
    assert 'clip.mp4 says it runs at 1e-06' in capsys.readouterr().err
    assert face_demo.video_fps('clip.mp4', Header(), 12.5) == 12.5
    with pytest.raises(ValueError, match='--fps'):
        face_demo.video_fps('clip.mp4', Header(), 0.)
