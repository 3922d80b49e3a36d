# Copyright (c) hih_mmpose contributors. All rights reserved.
"""A checkpoint in the published HIH key layout (random tensors, shapes as
the published code stores them), converted, loaded strictly, and compared
with a forward pass written by hand from the same tensors."""
import os
import os.path as osp
import shutil
import subprocess
import sys

import torch
import torch.nn.functional as F

from mmpose.registry import MODELS
from published_checkpoint import convert_published_state_dict

CONVERTER = 'tools/model_converters/convert_official_checkpoint.py'
REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
K, C, D = 98, 256, 384  # keypoints, width, decimal-branch width
HG_BLOCKS = ['res4_1', 'res4_2', 'res3_1', 'res3_2', 'res2_1', 'res2_2',
             'res1_1', 'res1_2', 'res_center', 'res1_3', 'res2_3', 'res3_3',
             'res4_3']


def cbr(sd, name, cin, cout, k, bias=False):
    g = torch.Generator().manual_seed(len(sd))
    sd[f'{name}.conv.weight'] = torch.randn(cout, cin, k, k,
                                            generator=g) * (cin * k * k)**-0.5
    sd[f'{name}.bn.weight'] = 1 + 0.1 * torch.randn(cout, generator=g)
    sd[f'{name}.bn.bias'] = 0.1 * torch.randn(cout, generator=g)
    sd[f'{name}.bn.running_mean'] = 0.1 * torch.randn(cout, generator=g)
    sd[f'{name}.bn.running_var'] = 1 + 0.1 * torch.rand(cout, generator=g)
    sd[f'{name}.bn.num_batches_tracked'] = torch.tensor(7)


def residual(sd, name, cin, cout):
    cbr(sd, f'{name}.conv1', cin, cout // 2, 1)
    cbr(sd, f'{name}.conv2', cout // 2, cout // 2, 3)
    cbr(sd, f'{name}.conv3', cout // 2, cout, 1)
    cbr(sd, f'{name}.skip_layer', cin, cout, 1)  # built even if unused


def conv(sd, name, cin, cout):
    g = torch.Generator().manual_seed(len(sd))
    sd[f'{name}.weight'] = torch.randn(cout, cin, 1, 1, generator=g) * 0.05
    sd[f'{name}.bias'] = torch.randn(cout, generator=g) * 0.1


def published_state_dict(num_stacks):
    """Keys and shapes of the published checkpoint (HIH_SPEC Part B §8)."""
    sd = {}
    cbr(sd, 'pre_conv.0', 3, 64, 7)
    residual(sd, 'pre_conv.1', 64, 128)
    residual(sd, 'pre_conv.3', 128, 128)
    residual(sd, 'pre_conv.4', 128, 256)
    for i in range(num_stacks):
        for block in HG_BLOCKS:
            residual(sd, f'hg{i}.{block}', C, C)
        residual(sd, f'hg{i}_res1', C, C)
        cbr(sd, f'hg{i}_lin1', C, C, 1)
        conv(sd, f'hg{i}_conv_pred', C, K)
        cbr(sd, f'hg{i}_conv1', C, C, 1)
        cbr(sd, f'hg{i}_conv2', K, C, 1)
    cbr(sd, 'offset_head.conv1', C, D, 1)
    for j in range(2):
        cbr(sd, f'offset_head.down_ops.{j}.conv1', D, D, 3)
        cbr(sd, f'offset_head.down_ops.{j}.conv2', D, D, 3)
        cbr(sd, f'offset_head.down_ops.{j}.downsample.0', D, D, 1)
    cbr(sd, 'offset_head.head.0', D, D, 1)
    conv(sd, 'offset_head.head.1', D, K)
    return sd


# ---- the published forward pass, written from the description -----------
def f_cbr(sd, name, x, stride=1, relu=True):
    weight = sd[f'{name}.conv.weight']
    x = F.conv2d(x, weight, stride=stride, padding=(weight.shape[-1] - 1) //
                 2)
    x = F.batch_norm(x, sd[f'{name}.bn.running_mean'],
                     sd[f'{name}.bn.running_var'], sd[f'{name}.bn.weight'],
                     sd[f'{name}.bn.bias'], eps=1e-5)
    return F.relu(x) if relu else x


def f_residual(sd, name, x):
    out = f_cbr(sd, f'{name}.conv1', x)
    out = f_cbr(sd, f'{name}.conv2', out)
    out = f_cbr(sd, f'{name}.conv3', out, relu=False)
    skip = f_cbr(sd, f'{name}.skip_layer', x, relu=False) \
        if x.shape[1] != out.shape[1] else x
    return F.relu(out + skip)


def f_hourglass(sd, name, n, x):
    up1 = f_residual(sd, f'{name}.res{n}_1', x)
    low = f_residual(sd, f'{name}.res{n}_2', F.max_pool2d(x, 2, 2))
    low = f_hourglass(sd, name, n - 1, low) if n > 1 else f_residual(
        sd, f'{name}.res_center', low)
    low = f_residual(sd, f'{name}.res{n}_3', low)
    return up1 + F.interpolate(low, scale_factor=2, mode='bilinear',
                               align_corners=True)


def f_published(sd, num_stacks, image):
    x = f_cbr(sd, 'pre_conv.0', image, stride=2)
    x = f_residual(sd, 'pre_conv.1', x)
    x = f_residual(sd, 'pre_conv.4',
                   f_residual(sd, 'pre_conv.3', F.max_pool2d(x, 2, 2)))
    for i in range(num_stacks):
        features = f_cbr(sd, f'hg{i}_lin1',
                         f_residual(sd, f'hg{i}_res1',
                                    f_hourglass(sd, f'hg{i}', 4, x)))
        heatmaps = F.conv2d(features, sd[f'hg{i}_conv_pred.weight'],
                            sd[f'hg{i}_conv_pred.bias'])
        x = x + f_cbr(sd, f'hg{i}_conv1', features) + f_cbr(
            sd, f'hg{i}_conv2', heatmaps)
    y = F.max_pool2d(f_cbr(sd, 'offset_head.conv1', x), 3, 2)
    for j in range(2):
        name = f'offset_head.down_ops.{j}'
        y = F.relu(
            f_cbr(sd, f'{name}.conv2', f_cbr(sd, f'{name}.conv1', y, 2),
                  relu=False) +
            f_cbr(sd, f'{name}.downsample.0', y, 2, relu=False))
    y = f_cbr(sd, 'offset_head.head.0', y)
    return heatmaps, F.conv2d(y, sd['offset_head.head.1.weight'],
                              sd['offset_head.head.1.bias'])


def build(num_stacks):
    return MODELS.build(
        dict(
            type='TopdownPoseEstimator',
            backbone=dict(type='HIHHourglassNet', num_stacks=num_stacks),
            head=dict(type='HIHHead', in_channels=256, out_channels=98,
                      num_stages=num_stacks,
                      decoder=dict(type='HIHLabel')))).eval()


def test_published_layout_sizes():
    sd = published_state_dict(4)
    assert len(sd) == 1552
    # parameters (conv weights and biases, BN weights and biases)
    assert sum(v.numel() for k, v in sd.items()
               if k.endswith(('weight', 'bias'))) == 22_677_034


def test_convert_load_strict_and_match_by_hand():
    for num_stacks in (1, 4):
        sd = published_state_dict(num_stacks)
        converted, dropped, unknown = convert_published_state_dict(sd)
        assert unknown == []
        # 14 equal-width residuals per stack + pre_conv.3, 6 keys each
        assert len(dropped) == 6 * (14 * num_stacks + 1)
        model = build(num_stacks)
        model.load_state_dict(converted, strict=True)
        image = torch.randn(1, 3, 256, 256)
        with torch.no_grad():
            heatmaps, decimal = model(image, None, mode='tensor')
            ref_heatmaps, ref_decimal = f_published(sd, num_stacks, image)
        assert (heatmaps - ref_heatmaps).abs().max() <= 1e-4
        assert (decimal - ref_decimal).abs().max() <= 1e-4
        assert decimal.shape == (1, 98, 8, 8)


def test_unknown_keys_are_reported():
    sd = published_state_dict(1)
    sd['vit_head.weight'] = torch.zeros(1)
    _, _, unknown = convert_published_state_dict(sd)
    assert unknown == ['vit_head.weight']


def test_conversion_tool(tmp_path):
    checkpoint = tmp_path / 'WFLW.pth'
    torch.save(dict(state_dict=published_state_dict(4), epoch=60,
                    best_nme=dict(epoch=55)), checkpoint)
    out = tmp_path / 'hih_wflw_converted.pth'
    result = subprocess.run(
        [sys.executable, CONVERTER,
         str(checkpoint), str(out), '--config',
         'configs/hih_wflw_published.py'],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert '1552 published keys: 1210 converted, 342 unused shortcut ' \
        'keys dropped, 0 unknown' in result.stdout
    saved = torch.load(out, map_location='cpu')  # weights only
    assert len(saved['state_dict']) == 1210
    bad = tmp_path / 'bad.pth'
    sd = published_state_dict(1)
    torch.save(dict(state_dict=sd), bad)
    result = subprocess.run(
        [sys.executable, CONVERTER, str(bad),
         str(tmp_path / 'x.pth'), '--config',
         'configs/hih_wflw_published.py'],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert 'missing in the checkpoint' in result.stderr


def test_conversion_tool_never_overwrites_its_source(tmp_path):
    checkpoint = tmp_path / 'WFLW.pth'
    torch.save(dict(state_dict=published_state_dict(1)), checkpoint)
    before = checkpoint.read_bytes()
    result = subprocess.run(
        [sys.executable, CONVERTER,
         str(checkpoint), str(checkpoint)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert 'is the published checkpoint itself' in result.stderr
    assert checkpoint.read_bytes() == before


def doc_commands(page: str, language: str) -> list:
    """The commands of a page's bash blocks (:func:`bash_commands`), or its
    python blocks whole."""
    blocks = [block for lang, block, _ in doc_blocks(page) if lang == language]
    if language != 'bash':
        return blocks
    return [command for block in blocks for command in bash_commands(block)]


def published_sandbox(tmp_path):
    """A user's folder for the published journeys: configs/, tools/ and
    demo/ of the repository, the published file (random weights in its
    format) at Best/WFLW/WFLW.pth, a WFLW release in its own format (two
    photos, 98 points spread over the face box marked by hand) under raw/,
    photo.jpg, photos/a.jpg and a two-frame clip.mp4. Returns raw/."""
    import cv2
    import matplotlib.cbook as cbook
    import numpy as np
    photo = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
    for name in ('configs', 'tools', 'demo'):
        (tmp_path / name).symlink_to(osp.join(REPO, name))
    (tmp_path / 'Best' / 'WFLW').mkdir(parents=True)
    torch.save(dict(state_dict=published_state_dict(4), epoch=60),
               tmp_path / 'Best' / 'WFLW' / 'WFLW.pth')
    # a WFLW release in its own format: two photos, the face's 98 points
    # spread over the face box marked by hand
    raw = tmp_path / 'raw'
    images = raw / 'WFLW_images' / '0--Parade'
    images.mkdir(parents=True)
    lists = raw / 'WFLW_annotations' / 'list_98pt_rect_attr_train_test'
    lists.mkdir(parents=True)
    rng = np.random.default_rng(0)
    lines = []
    for name in ('a.jpg', 'b.jpg'):
        cv2.imwrite(str(images / name), cv2.imread(photo))
        points = rng.uniform([190, 140], [350, 330], (98, 2))
        lines.append(' '.join(f'{v:.2f}' for v in points.ravel()) +
                     ' 180 130 360 335 0 0 0 0 0 0 0--Parade/' + name)
    for split in ('train', 'test'):
        (lists / f'list_98pt_rect_attr_{split}.txt').write_text(
            '\n'.join(lines) + '\n')
    shutil.copy(photo, tmp_path / 'photo.jpg')
    (tmp_path / 'photos').mkdir()
    shutil.copy(photo, tmp_path / 'photos' / 'a.jpg')
    writer = cv2.VideoWriter(str(tmp_path / 'clip.mp4'),
                             cv2.VideoWriter_fourcc(*'mp4v'), 10,
                             (512, 600))
    for _ in range(2):
        writer.write(cv2.imread(photo))
    writer.release()
    return raw


def test_published_journey(tmp_path):
    """docs/published_checkpoint.md as a user runs it, from a folder of
    their own: the published file (random weights in its format) converted,
    WFLW (a tiny release of two photos) converted and evaluated by
    tools/test.py without a training set, then the demo on a photo, a
    folder and a video, FaceLandmarker and MMPoseInferencer on the photo:
    98 landmarks inside the crop of the detected face."""
    import json

    import numpy as np
    raw = published_sandbox(tmp_path)
    page = osp.join(REPO, 'docs', 'published_checkpoint.md')
    for command in doc_commands(page, 'bash'):
        command = command.replace('.venv/bin/python', sys.executable)
        command = command.replace('/path/to/', f'{raw}/')
        if 'tools/test.py' in command:
            # a user with the test set only (--splits test)
            assert not (tmp_path / 'data' / 'wflw' / 'annotations_published'
                        / 'face_landmarks_wflw_train.json').exists()
        result = subprocess.run(command, shell=True, cwd=tmp_path,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, (command, result.stderr[-3000:])
        if 'tools/test.py' in command:
            # the test set and WFLW's six subsets
            for subset in ('test', 'largepose', 'occlusion', 'blur'):
                assert subset in result.stdout + result.stderr
    outputs = tmp_path / 'outputs'
    assert (outputs / 'photo.jpg').is_file()
    predictions = json.loads((outputs / 'photos_predictions.json').read_text())
    assert len(predictions['a.jpg'][0]['keypoints']) == 68
    assert len(json.loads(
        (outputs / 'clip_predictions.json').read_text())) == 2

    python, = doc_commands(page, 'python')
    check = python + '''
import json
# (random weights: the geometry is checked on the first pass, in the
# detector's crop, as MMPoseInferencer crops it)
landmarker.refine_boxes = False
faces = landmarker('photo.jpg')
face = faces[0]
pose = result['predictions'][0][0]
print(json.dumps(dict(bbox=[float(v) for v in face['bbox']],
                      keypoints=face['keypoints'].tolist(),
                      inferencer_bbox=list(pose['bbox'][0]),
                      inferencer_keypoints=pose['keypoints'])))
'''
    result = subprocess.run([sys.executable, '-c', check], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for box, keypoints in ((found['bbox'], found['keypoints']),
                           (found['inferencer_bbox'],
                            found['inferencer_keypoints'])):
        box, keypoints = np.asarray(box), np.asarray(keypoints)
        assert keypoints.shape == (98, 2)
        # BlazeFace found the face marked by hand
        assert box[0] < 270 < box[2] and box[1] < 230 < box[3]
        centre = (box[:2] + box[2:]) / 2
        half = (box[2:] - box[:2]).max() * 1.25 / 2
        assert np.all(np.abs(keypoints - centre) <= half + 2)


def doc_blocks(page: str) -> list:
    """(language, text, marker) of each bash / python block of a page; the
    marker is the ``<!-- doc test: ... -->`` line just above a block (or
    ``None``)."""
    import re
    import textwrap
    with open(page) as f:
        text = f.read()
    blocks = []
    # (blocks inside list items are indented)
    for match in re.finditer(r'^[ \t]*```(bash|python)\n(.*?)^[ \t]*```',
                             text, re.S | re.M):
        before = text[:match.start()].rstrip('\n').rsplit('\n', 1)[-1]
        marker = re.fullmatch(r'<!-- doc test: (.*) -->', before.strip())
        blocks.append((match.group(1), textwrap.dedent(match.group(2)),
                       marker.group(1) if marker else None))
    return blocks


def bash_commands(block: str) -> list:
    """A bash block's commands: continuation lines joined, comments
    dropped."""
    import re
    commands = []
    for line in block.replace('\\\n', ' ').splitlines():
        line = re.sub(r'\s+#\s.*$', '', line).strip()
        if line and not line.startswith('#'):
            commands.append(line)
    return commands


def server_checkout(tmp_path, files) -> tuple:
    """(folder, env) of a server: the test suite's cached runtime-only
    virtual environment (tests/test_runtime/test_standalone.py) first on
    PATH, a copy of the checkout as the folder, ``files`` of ``tmp_path``
    copied into it."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'standalone', osp.join(REPO, 'tests', 'test_runtime',
                               'test_standalone.py'))
    standalone = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(standalone)
    python = standalone.standalone_python(str(tmp_path / 'server'))
    folder = tmp_path / 'server' / 'source'
    for name in files:
        shutil.copy(tmp_path / name, folder / name)
    return folder, dict(os.environ, PYTHONPATH='', PATH=osp.dirname(python) +
                        os.pathsep + os.environ['PATH'])


def run_doc_page(page: str, folder, server_files=()) -> list:
    """Run every bash and python block of ``page`` in ``folder`` as written
    (``.venv/bin/python`` is this interpreter), except blocks marked ``not
    run, ...``; blocks marked ``run in a fresh virtual environment`` run on
    a server (:func:`server_checkout` with ``server_files``), ``a config,
    loaded from configs/`` is loaded by mmengine from a copy of configs/,
    ``TOOL run with ARGS (why)`` runs with ARGS appended to the commands of
    TOOL (a measurement's workload, e.g. ``--frames 8``).
    Returns (kind, completed process or config) of each bash command and
    python block run."""
    import re

    from mmengine.config import Config
    ran, server = [], None
    for language, block, marker in doc_blocks(page):
        if marker and marker.startswith('not run'):
            continue
        cwd, env = folder, dict(os.environ)
        if marker == 'a config, loaded from configs/':
            configs = folder / 'configs_copy'
            shutil.copytree(osp.join(REPO, 'configs'), configs)
            (configs / 'doc_example.py').write_text(block)
            ran.append(('config',
                        Config.fromfile(str(configs / 'doc_example.py'))))
            continue
        if marker == 'run in a fresh virtual environment':
            server = server or server_checkout(folder, server_files)
            cwd, env = server
        python = 'python' if cwd != folder else sys.executable
        commands = [[python, '-c', block]] if language == 'python' else [
            command.replace('.venv/bin/python', sys.executable)
            for command in bash_commands(block)]
        # 'TOOL run with ARGS (why)': a measurement's workload made small
        smaller = re.match(r'(\S+\.py) run with (.+?) \(', marker or '')
        if smaller:
            commands = [command + f' {smaller.group(2)}'
                        if smaller.group(1) in command else command
                        for command in commands]
        for command in commands:
            # a shell variable a block sets (NAME=...) is kept for the
            # block's later commands, as in one shell
            variable = isinstance(command, str) and re.match(
                r'([A-Z_]+)=\S', command)
            result = subprocess.run(
                f'{command} && printf %s "${variable.group(1)}"'
                if variable else command, shell=isinstance(command, str),
                cwd=cwd, env=env, capture_output=True, text=True,
                timeout=600)
            assert result.returncode == 0, (command, result.stderr[-3000:])
            if variable:
                env[variable.group(1)] = result.stdout
            ran.append((language, result))
    return ran


def test_readme_journeys(tmp_path):
    """Every bash and python block of README.md runs as written, in a
    user's folder with the published file (random weights in its format)
    and a tiny WFLW release, except the blocks marked in the page as not
    run (each says why): journey 2 (convert, WFLW test set, tools/test.py),
    journey 3 (the demo on a folder and a video, FaceLandmarker), journey 4
    (export; the server's commands in a fresh virtual environment without
    the training stack, from a copy of the checkout) and the config of
    "Use it in a config" loaded from configs/."""
    import json
    raw = published_sandbox(tmp_path)
    for name in ('WFLW_images', 'WFLW_annotations'):
        (tmp_path / name).symlink_to(raw / name)
    ran = run_doc_page(osp.join(REPO, 'README.md'), tmp_path,
                       ('hih_wflw.onnx', 'hih_wflw.json', 'photo.jpg'))
    kinds = [kind for kind, _ in ran]
    assert kinds.count('python') == 1 and kinds.count('bash') >= 9
    (config, ) = [cfg for kind, cfg in ran if kind == 'config']
    assert config.model.backbone.num_stacks == 2
    # journey 3's outputs, journey 4's faces
    outputs = tmp_path / 'outputs'
    assert len(json.loads((outputs / 'photos_predictions.json').read_text())
               ['a.jpg'][0]['keypoints']) == 98
    assert len(json.loads(
        (outputs / 'clip_predictions.json').read_text())) == 2
    (face, ) = json.loads(ran[-2][1].stdout)
    assert len(face['keypoints']) == 98


def test_deployment_page(tmp_path):
    """Every bash and python block of docs/deployment.md as written: the
    exports (HIH-B from a checkpoint of configs/hih_wflw.py; the quick
    start's int8 ONNX and OpenVINO, calibrated on a small synthetic set),
    random weights standing in for trained ones, then the server's
    commands and Python in a fresh virtual environment."""
    import json

    from synthetic_world import generate_synthetic_dataset
    from mmpose.apis import init_model
    published_sandbox(tmp_path)
    for config, checkpoint in (
            ('hih_wflw.py', 'work_dirs/hih_wflw/best_NME_epoch_60.pth'),
            ('hih_synthetic.py',
             'work_dirs/hih_synthetic/best_NME_epoch_12.pth')):
        model = init_model(osp.join(REPO, 'configs', config), device='cpu')
        (tmp_path / checkpoint).parent.mkdir(parents=True)
        torch.save(dict(state_dict=model.state_dict()), tmp_path / checkpoint)
    generate_synthetic_dataset(str(tmp_path / 'data' / 'synthetic'),
                               num_train=16, num_test=8, seed=0,
                               show_progress=False)
    ran = run_doc_page(osp.join(REPO, 'docs', 'deployment.md'), tmp_path,
                       ('hih_wflw.onnx', 'hih_wflw.json', 'photo.jpg'))
    assert [kind for kind, _ in ran] == ['bash'] * 5 + ['python']
    for name in ('hih_wflw.onnx', 'hih_synthetic_int8.onnx',
                 'hih_synthetic_int8.xml'):
        assert json.loads((tmp_path / name).with_suffix('.json')
                          .read_text())['num_keypoints'] == 98
    (face, ) = json.loads(ran[-2][1].stdout)
    assert len(face['keypoints']) == 98


def test_inference_and_video_pages(tmp_path):
    """Every bash and python block of docs/inference.md and docs/video.md
    (journey 3's pages: photos, video, the measurements behind their
    tables) as written, except those marked in the pages as not run (the
    real photos' download, the webcam): random weights stand in for the
    quick-start, wild and published checkpoints, a small synthetic set
    for data/synthetic, the quick-start stand-in's export for
    hih_wflw.onnx, a photo for face.jpg and photos/, a two-frame clip.
    The video page runs after the photo page, its outputs folder removed
    (the demo refuses to replace files of an earlier run)."""
    import json

    from mmpose.apis import init_model
    from synthetic_world import generate_synthetic_dataset

    from hih_mmpose.deployment import export_onnx, model_info, \
        write_model_info
    published_sandbox(tmp_path)
    shutil.copy(tmp_path / 'photo.jpg', tmp_path / 'face.jpg')
    for config, checkpoint in (
            ('hih_synthetic.py',
             'work_dirs/hih_synthetic/best_NME_epoch_12.pth'),
            ('hih_synthetic.py', 'work_dirs/qs_exact/best_NME_epoch_12.pth'),
            ('hih_synthetic_wild.py',
             'work_dirs/wild_exact/best_NME_epoch_24.pth'),
            ('hih_wflw_published.py', 'checkpoints/hih_wflw_published.pth')):
        model = init_model(osp.join(REPO, 'configs', config), device='cpu')
        (tmp_path / checkpoint).parent.mkdir(parents=True, exist_ok=True)
        torch.save(dict(state_dict=model.state_dict()), tmp_path / checkpoint)
        if checkpoint.startswith('work_dirs/hih_synthetic/'):
            export_onnx(model.eval(), str(tmp_path / 'hih_wflw.onnx'),
                        (128, 128))
            write_model_info(model_info(model),
                             str(tmp_path / 'hih_wflw.onnx'))
    generate_synthetic_dataset(str(tmp_path / 'data' / 'synthetic'),
                               num_train=16, num_test=8, seed=0,
                               show_progress=False)
    ran = run_doc_page(osp.join(REPO, 'docs', 'inference.md'), tmp_path)
    outputs = tmp_path / 'outputs'
    assert len(json.loads((outputs / 'onnx' / 'photos_predictions.json')
                          .read_text())['a.jpg'][0]['keypoints']) == 98
    # the video page from a folder without the photo page's outputs (the
    # demo never replaces an earlier run's files)
    shutil.rmtree(outputs)
    ran += run_doc_page(osp.join(REPO, 'docs', 'video.md'), tmp_path)
    assert [kind for kind, _ in ran].count('python') == 3
    assert len(json.loads((outputs / 'face_predictions.json').read_text())
               ['face.jpg'][0]['keypoints']) == 98
    assert (outputs / 'clip_landmarks.mp4').is_file()
    assert json.loads((tmp_path / 'hih_int8.json').read_text())[
        'precision'] == 'int8'


#: the pages of the README's journeys -> the test that runs their blocks as
#: written (None: every block is marked as not run, with the reason)
JOURNEY_PAGES = {
    'README.md': 'test_readme_journeys',
    'docs/published_checkpoint.md': 'test_published_journey',
    'docs/deployment.md': 'test_deployment_page',
    'docs/data_and_training.md': None,  # the real data sets
    'docs/installation.md': None,  # a CUDA build, GPUs, slurm
    'docs/quickstart.md': None,
    'docs/inference.md': 'test_inference_and_video_pages',
    'docs/video.md': 'test_inference_and_video_pages',
}


def test_every_journey_block_is_run_or_says_why():
    """Each block of a journey page is run by the page's test or marked in
    the page as not run with a reason; a page whose blocks a test runs is
    run by that test."""
    import inspect
    module = sys.modules[__name__]
    for page, runner in JOURNEY_PAGES.items():
        blocks = doc_blocks(osp.join(REPO, page))
        if runner is None:
            unmarked = [block[:60] for _, block, marker in blocks
                        if not (marker or '').startswith('not run, ')]
            assert not unmarked, (page, unmarked)
        else:
            assert osp.basename(page) in inspect.getsource(
                getattr(module, runner)), (page, runner)


def test_converter_from_another_folder(tmp_path):
    """The converter's default --config (configs/hih_wflw_published.py) is
    found from a folder outside the repository; a missing one is named."""
    torch.save(dict(state_dict=published_state_dict(4)), tmp_path / 'W.pth')
    result = subprocess.run(
        [sys.executable, osp.join(REPO, CONVERTER), 'W.pth', 'out.pth'],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / 'out.pth').is_file()
    result = subprocess.run(
        [sys.executable, osp.join(REPO, CONVERTER), 'W.pth', 'out2.pth',
         '--config', 'configs/none.py'],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert '--config configs/none.py not found (neither from the working' \
        in result.stderr
